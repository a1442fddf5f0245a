/**
 * Masks for showing customers to people who need to recognise them, not read them. Pure and
 * total: any string in, a masked string out. Who sees what masked is decided in one place,
 * src/auth/personal-data.rules.ts; the segment and template previews mask with these too.
 */

/** The first character, then one star per remaining character: `王芳` → `王*`, `Li Wei` → `L*****`. */
export function maskName(name: string): string {
  const [first = '', ...rest] = Array.from(name);
  return `${first}${'*'.repeat(Math.max(rest.length, 1))}`;
}

/**
 * Country code and operator prefix, then the last four: `+8613812345678` → `+86138****5678`.
 * Shorter numbers show less, so that at least four digits are always hidden.
 */
export function maskPhone(phone: string): string {
  const tail = Math.max(0, Math.min(4, Math.floor((phone.length - 4) / 2)));
  const head = Math.max(0, Math.min(6, phone.length - 4 - tail));
  return `${phone.slice(0, head)}${'*'.repeat(phone.length - head - tail)}${phone.slice(phone.length - tail)}`;
}

/** `zhang.wei@example.com` → `z********@example.com`: the domain stays, the mailbox is hidden. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 1 ? maskName(email) : `${email[0]}${'*'.repeat(Math.max(at - 1, 1))}${email.slice(at)}`;
}

/** An address of either kind (a do-not-contact entry, a sandbox recipient): masked as what it is. */
export function maskAddress(address: string): string {
  return address.includes('@') ? maskEmail(address) : maskPhone(address);
}

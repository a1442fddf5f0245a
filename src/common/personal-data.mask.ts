/**
 * Masks for showing customers to people who need to recognise them, not read them: the
 * segment preview's sample. Pure and total: any string in, a masked string out.
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

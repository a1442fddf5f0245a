import { SmsEncoding } from './template.model';

/** GSM 03.38: the default alphabet (one septet each) and its extension table (escape + one, two septets). */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

/** Septets per UTF-16 code unit: 1 basic, 2 extension, 0 not in GSM-7. A table keeps this per-render check cheap. */
const SEPTETS = new Uint8Array(0x10000);
for (const c of GSM7_BASIC) SEPTETS[c.charCodeAt(0)] = 1;
for (const c of GSM7_EXTENSION) SEPTETS[c.charCodeAt(0)] = 2;

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

export interface SmsMeasure {
  encoding: SmsEncoding;
  segments: number;
  characters: number;
}

/**
 * How an SMS travels: GSM-7 when every character is in the GSM alphabet (extension characters
 * take two septets), UCS-2 otherwise. One part holds 160 septets or 70 UTF-16 units; a longer
 * message is split into parts of 153 or 67 (the rest is the concatenation header), and a part
 * never splits an escape sequence or a surrogate pair.
 */
export function measureSms(body: string): SmsMeasure {
  let septets = 0;
  let gsm = true;
  let characters = body.length;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    const width = SEPTETS[code];
    if (width === 0) gsm = false;
    septets += width;
    if ((code & 0xfc00) === 0xdc00 && isPairTail(body, i)) characters--;
  }
  if (gsm) {
    // Without extension characters every septet is its own character and parts simply fill up.
    const segments =
      septets <= GSM7_SINGLE ? 1 : septets === body.length ? Math.ceil(septets / GSM7_PART) : parts(body, GSM7_PART, gsmWidth);
    return { encoding: 'GSM-7', characters, segments };
  }
  const segments =
    body.length <= UCS2_SINGLE
      ? 1
      : characters === body.length
        ? Math.ceil(body.length / UCS2_PART)
        : parts(body, UCS2_PART, utf16Width);
  return { encoding: 'UCS-2', characters, segments };
}

/** The low half of a surrogate pair: part of the character before it. */
function isPairTail(body: string, i: number): boolean {
  const code = body.charCodeAt(i);
  if (code < 0xdc00 || code > 0xdfff || i === 0) return false;
  const before = body.charCodeAt(i - 1);
  return before >= 0xd800 && before <= 0xdbff;
}

function gsmWidth(body: string, i: number): number {
  return SEPTETS[body.charCodeAt(i)];
}

/** A surrogate pair counts as two units on its first half and none on its second, so a part never splits it. */
function utf16Width(body: string, i: number): number {
  if (isPairTail(body, i)) return 0;
  return isPairTail(body, i + 1) ? 2 : 1;
}

function parts(body: string, capacity: number, width: (body: string, i: number) => number): number {
  let count = 1;
  let used = 0;
  for (let i = 0; i < body.length; i++) {
    const w = width(body, i);
    if (used + w > capacity) {
      count++;
      used = 0;
    }
    used += w;
  }
  return count;
}

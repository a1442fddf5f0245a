import { twiml } from 'twilio';
import { Locale } from '../customers/customer.entity';

/** Twilio's text-to-speech language for each locale Herald writes in. */
const SAY_LANGUAGES = { 'zh-CN': 'zh-CN', en: 'en-US' } as const satisfies Record<Locale, string>;

export interface GatherSpec {
  numDigits: number;
  timeout: number;
  actionUrl: string;
  /** Said when the customer presses nothing before the timeout; then the call ends. */
  noInput: string[];
}

/**
 * An IVR call as TwiML: each paragraph one `<Say>`; with a gather, the paragraphs are said inside
 * `<Gather>` so a digit can interrupt them, and Twilio posts the digits to the action URL.
 */
export function buildVoiceTwiml(locale: Locale, paragraphs: string[], gather?: GatherSpec): string {
  const response = new twiml.VoiceResponse();
  const language = SAY_LANGUAGES[locale];
  if (gather) {
    const prompt = response.gather({
      input: ['dtmf'],
      numDigits: gather.numDigits,
      timeout: gather.timeout,
      action: gather.actionUrl,
      method: 'POST',
    });
    for (const text of paragraphs) prompt.say({ language }, text);
    for (const text of gather.noInput) response.say({ language }, text);
  } else {
    for (const text of paragraphs) response.say({ language }, text);
  }
  response.hangup();
  return response.toString();
}

/** Spoken text: a blank line starts a new `<Say>`, other line breaks are just spaces. */
export function spokenParagraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

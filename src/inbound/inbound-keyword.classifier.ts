/** How Herald reads an inbound SMS: a keyword family of the rulebook, a verification answer, or free text. */
export type InboundIntent =
  | { kind: 'opt_out_all' }
  | { kind: 'opt_out_marketing' }
  | { kind: 'opt_in' }
  | { kind: 'help' }
  | { kind: 'answer'; answer: 'yes' | 'no'; reference?: string }
  | { kind: 'free_text' };

export type InboundIntentKind = InboundIntent['kind'];

const FAMILIES: [InboundIntentKind, string[]][] = [
  ['opt_out_all', ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']],
  ['opt_out_marketing', ['TD', 'T', '退订', 'R']],
  ['opt_in', ['START', 'UNSTOP']],
  ['help', ['HELP', 'INFO', '帮助']],
];
const KEYWORDS = new Map(FAMILIES.flatMap(([kind, words]) => words.map((word) => [word, kind] as const)));

const YES = new Set(['YES', 'Y', '是', '1']);
const NO = new Set(['NO', 'N', '否', '2']);
/** The answer word, then optionally the case's 4-digit reference ("Y 4821", "是4821"). */
const ANSWER = /^(\S+?)\s*(\d{4})?$/u;

/**
 * Classifies the whole message, trimmed and in any case: a keyword inside a longer sentence is
 * free text for an agent, never an opt-out or an answer (the rulebook matches whole messages).
 */
export function classifyInboundSms(body: string): InboundIntent {
  // NFKC folds full-width letters and digits (Ｙ, ４８２１) that Chinese keyboards produce.
  const text = body.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();
  const keyword = KEYWORDS.get(text);
  if (keyword) return { kind: keyword } as InboundIntent;
  const match = ANSWER.exec(text);
  if (match) {
    const [, word, reference] = match;
    const answer = YES.has(word) ? 'yes' : NO.has(word) ? 'no' : undefined;
    if (answer) return reference ? { kind: 'answer', answer, reference } : { kind: 'answer', answer };
  }
  return { kind: 'free_text' };
}

import fc from 'fast-check';
import { classifyInboundSms, InboundIntent } from './inbound-keyword.classifier';

describe('classifyInboundSms', () => {
  const table: [string, InboundIntent][] = [
    ['STOP', { kind: 'opt_out_all' }],
    ['  stop ', { kind: 'opt_out_all' }],
    ['StopAll', { kind: 'opt_out_all' }],
    ['UNSUBSCRIBE', { kind: 'opt_out_all' }],
    ['cancel', { kind: 'opt_out_all' }],
    ['End', { kind: 'opt_out_all' }],
    ['quit', { kind: 'opt_out_all' }],
    ['REVOKE', { kind: 'opt_out_all' }],
    ['optout', { kind: 'opt_out_all' }],
    ['TD', { kind: 'opt_out_marketing' }],
    ['td', { kind: 'opt_out_marketing' }],
    ['t', { kind: 'opt_out_marketing' }],
    ['退订', { kind: 'opt_out_marketing' }],
    [' R ', { kind: 'opt_out_marketing' }],
    ['START', { kind: 'opt_in' }],
    ['unstop', { kind: 'opt_in' }],
    ['HELP', { kind: 'help' }],
    ['info', { kind: 'help' }],
    ['帮助', { kind: 'help' }],
    ['Y', { kind: 'answer', answer: 'yes' }],
    ['yes', { kind: 'answer', answer: 'yes' }],
    ['是', { kind: 'answer', answer: 'yes' }],
    ['1', { kind: 'answer', answer: 'yes' }],
    ['N', { kind: 'answer', answer: 'no' }],
    ['no', { kind: 'answer', answer: 'no' }],
    ['否', { kind: 'answer', answer: 'no' }],
    ['2', { kind: 'answer', answer: 'no' }],
    ['Y 4821', { kind: 'answer', answer: 'yes', reference: '4821' }],
    ['y4821', { kind: 'answer', answer: 'yes', reference: '4821' }],
    ['N  0042', { kind: 'answer', answer: 'no', reference: '0042' }],
    ['是 4821', { kind: 'answer', answer: 'yes', reference: '4821' }],
    ['否4821', { kind: 'answer', answer: 'no', reference: '4821' }],
    ['Ｙ ４８２１', { kind: 'answer', answer: 'yes', reference: '4821' }],
    ['Y 482', { kind: 'free_text' }],
    ['Y 48210', { kind: 'free_text' }],
    ['please STOP calling me', { kind: 'free_text' }],
    ['yes please', { kind: 'free_text' }],
    ['STOP STOP', { kind: 'free_text' }],
    ['4821', { kind: 'free_text' }],
    ['', { kind: 'free_text' }],
    ['我想问一下账单', { kind: 'free_text' }],
  ];

  it.each(table)('reads %j', (body, expected) => {
    expect(classifyInboundSms(body)).toEqual(expected);
  });

  it('ignores surrounding white space and case for every keyword', () => {
    const words = ['STOP', 'TD', 'START', 'HELP', 'UNSTOP', 'OPTOUT'];
    fc.assert(
      fc.property(
        fc.constantFrom(...words),
        fc.string({ unit: fc.constantFrom(' ', '\t', '\n'), maxLength: 3 }),
        fc.string({ unit: fc.constantFrom(' ', '\t', '\n'), maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        (word, before, after, lower) => {
          const mixed = [...word].map((c, i) => (lower[i % lower.length] ? c.toLowerCase() : c)).join('');
          expect(classifyInboundSms(before + mixed + after)).toEqual(classifyInboundSms(word));
        },
      ),
    );
  });

  it('never reads a message longer than a keyword and a reference as a consent change or an answer', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 12, maxLength: 60 }), (body) => {
        fc.pre(body.trim().length >= 12);
        expect(classifyInboundSms(body).kind).toBe('free_text');
      }),
    );
  });
});

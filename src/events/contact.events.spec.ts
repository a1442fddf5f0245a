import { reportedContact } from './contact.events';

describe('what a delivery report tells subscribers', () => {
  it('says delivered or failed once, when the attempt first becomes final', () => {
    expect(reportedContact('sent', 'delivered')).toBe('contact.delivered');
    expect(reportedContact('ringing', 'completed')).toBe('contact.delivered');
    expect(reportedContact('sent', 'undelivered')).toBe('contact.failed');
    expect(reportedContact('in_progress', 'no_answer')).toBe('contact.failed');
    expect(reportedContact('delivered', 'delivered')).toBeUndefined();
    expect(reportedContact('sent', 'sent')).toBeUndefined();
    expect(reportedContact('queued', 'sent')).toBeUndefined();
  });
});

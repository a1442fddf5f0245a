import { readEligibilityAsk } from './eligibility-ask.form';

describe('readEligibilityAsk', () => {
  it('reads the wall-clock time in the chosen zone; an empty time is now', () => {
    expect(readEligibilityAsk({ purpose: 'service', channel: 'sms', at: '2026-11-17T21:00', zone: 'Europe/London' })).toEqual({
      ok: true,
      purpose: 'service',
      channel: 'sms',
      zone: 'Europe/London',
      at: new Date('2026-11-17T21:00:00Z'),
    });
    expect(readEligibilityAsk({ purpose: 'fraud', channel: 'call', at: '' })).toEqual({
      ok: true,
      purpose: 'fraud',
      channel: 'call',
      zone: 'Asia/Shanghai',
    });
  });

  it('names every field at fault at once', () => {
    expect(readEligibilityAsk({ purpose: 'bogus', at: '2026-11-17', zone: 'Mars/Olympus' })).toEqual({
      ok: false,
      zone: 'Asia/Shanghai',
      problems: [
        { field: 'zone', problem: 'notAZone' },
        { field: 'purpose', problem: 'choose' },
        { field: 'channel', problem: 'choose' },
        { field: 'at', problem: 'notATime' },
      ],
    });
  });

  it('refuses a time the zone skips instead of moving it', () => {
    expect(readEligibilityAsk({ purpose: 'service', channel: 'call', at: '2026-03-08T02:30', zone: 'America/New_York' })).toEqual(
      {
        ok: false,
        zone: 'America/New_York',
        problems: [{ field: 'at', problem: 'skipped' }],
      },
    );
  });
});

import { formatProposedSlots, formatVisitTime } from './visit-times';

describe('visit times on the borrower’s clock', () => {
  test('slots in Shanghai (UTC+8), joined', () => {
    expect(
      formatProposedSlots(
        [
          { startsAt: '2026-11-24T10:00:00Z', endsAt: '2026-11-24T11:30:00Z' },
          { startsAt: new Date('2026-11-26T10:30:00Z'), endsAt: new Date('2026-11-26T12:00:00Z') },
        ],
        'Asia/Shanghai',
      ),
    ).toBe('Tue 24 Nov 18:00-19:30, Thu 26 Nov 18:30-20:00');
  });

  test('the same instants in Los Angeles, the day before; a slot across midnight names both days', () => {
    expect(formatVisitTime({ startsAt: '2026-11-24T10:00:00Z', endsAt: '2026-11-24T11:30:00Z' }, 'America/Los_Angeles')).toBe('Tue 24 Nov 02:00-03:30');
    expect(formatVisitTime({ startsAt: '2026-11-24T15:00:00Z', endsAt: '2026-11-24T16:30:00Z' }, 'Asia/Shanghai')).toBe('Tue 24 Nov 23:00-Wed 25 Nov 00:30');
  });

  test('across a clock change: London in summer time, then not', () => {
    expect(formatVisitTime({ startsAt: '2026-10-24T17:00:00Z', endsAt: '2026-10-24T18:30:00Z' }, 'Europe/London')).toBe('Sat 24 Oct 18:00-19:30');
    expect(formatVisitTime({ startsAt: '2026-10-26T17:00:00Z', endsAt: '2026-10-26T18:30:00Z' }, 'Europe/London')).toBe('Mon 26 Oct 17:00-18:30');
  });

  test('no slot: an empty list', () => {
    expect(formatProposedSlots([], 'Asia/Shanghai')).toBe('');
  });
});

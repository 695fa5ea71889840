import { findSlots, type DailyHours, type SlotSearch, type StaffCalendar } from './slots';

const hm = (h: number, m = 0) => h * 60 + m;
const hours = (from: [number, number?], until: [number, number?]): DailyHours => ({ from: hm(...from), until: hm(...until) });
const utc = (iso: string) => Date.parse(iso);
const CN_CONTACT = hours([8], [22]);
const US_CONTACT = hours([8], [21]);

const staff = (staffId: string, timeZone: string, workHours: DailyHours, booked: Array<[string, string]> = []): StaffCalendar => ({
  staffId,
  timeZone,
  workHours,
  booked: booked.map(([s, e]) => ({ start: utc(s), end: utc(e) })),
});
const shanghaiCollector = (id: string, booked: Array<[string, string]> = []) => staff(id, 'Asia/Shanghai', hours([9], [20]), booked);

/** Monday 2 March 2026, 09:00 in Shanghai. */
const MONDAY_0900_CST = utc('2026-03-02T01:00:00Z');

const search = (over: Partial<SlotSearch>): SlotSearch => ({
  from: MONDAY_0900_CST,
  searchDays: 14,
  slotMinutes: 90,
  slotsProposed: 3,
  borrowerTimeZone: 'Asia/Shanghai',
  preferredHours: null,
  contactHours: CN_CONTACT,
  collectors: [shanghaiCollector('c-a'), shanghaiCollector('c-b')],
  security: null,
  ...over,
});

const shown = (slots: ReturnType<typeof findSlots>) =>
  slots.map((s) => ({ startsAt: new Date(s.startsAt).toISOString(), endsAt: new Date(s.endsAt).toISOString(), collectorId: s.collectorId, securityId: s.securityId }));

describe('findSlots', () => {
  test('a Shanghai borrower preferring 18:00-20:00: the earliest evening slot of three different days', () => {
    // 18:00-19:30 CST is 10:00-11:30 UTC; the collectors work 09:00-20:00 CST, so 18:30-20:00 fits too, but later.
    expect(shown(findSlots(search({ preferredHours: hours([18], [20]) })))).toEqual([
      { startsAt: '2026-03-02T10:00:00.000Z', endsAt: '2026-03-02T11:30:00.000Z', collectorId: 'c-a', securityId: null },
      { startsAt: '2026-03-03T10:00:00.000Z', endsAt: '2026-03-03T11:30:00.000Z', collectorId: 'c-a', securityId: null },
      { startsAt: '2026-03-04T10:00:00.000Z', endsAt: '2026-03-04T11:30:00.000Z', collectorId: 'c-a', securityId: null },
    ]);
  });

  test('a booking ending at 18:30 CST leaves the 18:30 slot free (ranges are half-open); 18:00 is taken', () => {
    const busy: Array<[string, string]> = [['2026-03-02T09:30:00Z', '2026-03-02T10:30:00Z']]; // 17:30-18:30 CST
    const slots = findSlots(search({ preferredHours: hours([18], [20]), collectors: [shanghaiCollector('c-a', busy), shanghaiCollector('c-b', busy)] }));
    expect(shown(slots).map((s) => s.startsAt)).toEqual(['2026-03-02T10:30:00.000Z', '2026-03-03T10:00:00.000Z', '2026-03-04T10:00:00.000Z']);
  });

  test('the least-loaded collector of that week (Monday to Sunday, their clock) takes the slot; a tie goes to the lower id', () => {
    const collectors = [
      shanghaiCollector('c-a', [['2026-03-02T02:00:00Z', '2026-03-02T03:00:00Z']]), // Monday 2 March: the week of 2-8 March
      shanghaiCollector('c-b', [['2026-03-09T01:00:00Z', '2026-03-09T02:00:00Z']]), // Monday 9 March: the next week
      shanghaiCollector('c-c', [
        ['2026-03-02T02:00:00Z', '2026-03-02T03:00:00Z'],
        ['2026-03-09T02:00:00Z', '2026-03-09T03:00:00Z'],
      ]),
    ];
    const sunday0900 = utc('2026-03-08T01:00:00Z');
    const slots = findSlots(search({ from: sunday0900, preferredHours: hours([18], [20]), collectors }));
    // Sunday 8 March: c-a 1, c-b 0, c-c 1 → c-b. Monday 9: c-a 0, c-b 1, c-c 1 → c-a. Tuesday 10: the same → c-a.
    expect(shown(slots).map((s) => [s.startsAt, s.collectorId])).toEqual([
      ['2026-03-08T10:00:00.000Z', 'c-b'],
      ['2026-03-09T10:00:00.000Z', 'c-a'],
      ['2026-03-10T10:00:00.000Z', 'c-a'],
    ]);
  });

  test('a Los Angeles borrower under US hours, across the change to daylight saving time (Sunday 8 March 2026)', () => {
    const collectors = [staff('c-la', 'America/Los_Angeles', hours([9], [17]))];
    const fridayNoonPst = utc('2026-03-06T20:00:00Z');
    const slots = findSlots(search({ from: fridayNoonPst, borrowerTimeZone: 'America/Los_Angeles', contactHours: US_CONTACT, collectors }));
    // Friday 12:00 PST (UTC-8); Saturday 09:00 PST; Sunday 09:00 PDT (UTC-7).
    expect(shown(slots).map((s) => [s.startsAt, s.endsAt])).toEqual([
      ['2026-03-06T20:00:00.000Z', '2026-03-06T21:30:00.000Z'],
      ['2026-03-07T17:00:00.000Z', '2026-03-07T18:30:00.000Z'],
      ['2026-03-08T16:00:00.000Z', '2026-03-08T17:30:00.000Z'],
    ]);
  });

  test('a slot lies inside the contact hours: nothing after 21:00 for a US borrower, even in their preferred hours', () => {
    const collectors = [staff('c-la', 'America/Los_Angeles', hours([6], [23]))];
    const slots = findSlots(
      search({ from: utc('2026-03-02T20:00:00Z'), borrowerTimeZone: 'America/Los_Angeles', contactHours: US_CONTACT, preferredHours: hours([19], [23]), collectors, slotsProposed: 1 }),
    );
    // 19:00-20:30 PST fits; 19:30-21:00 would too but is later; 20:00-21:30 runs past 21:00.
    expect(shown(slots).map((s) => s.startsAt)).toEqual(['2026-03-03T03:00:00.000Z']);
  });

  test("a collector's working hours are read on their own clock: a Shanghai collector for a Tokyo borrower starts at 10:00 Tokyo", () => {
    const slots = findSlots(search({ from: utc('2026-03-02T00:00:00Z'), borrowerTimeZone: 'Asia/Tokyo', slotsProposed: 1 }));
    // 09:00 CST = 10:00 JST = 01:00 UTC
    expect(shown(slots)).toEqual([{ startsAt: '2026-03-02T01:00:00.000Z', endsAt: '2026-03-02T02:30:00.000Z', collectorId: 'c-a', securityId: null }]);
  });

  test("slots start on the borrower's half-hour grid, also in a zone 45 minutes off UTC (Kathmandu, UTC+5:45)", () => {
    const collectors = [staff('c-np', 'Asia/Kathmandu', hours([9], [20]))];
    const at = (from: string) => shown(findSlots(search({ from: utc(from), borrowerTimeZone: 'Asia/Kathmandu', collectors, slotsProposed: 1 })))[0]?.startsAt;
    expect(at('2026-03-02T03:20:00Z')).toBe('2026-03-02T03:45:00.000Z'); // 09:05 NPT → 09:30 NPT
    expect(at('2026-03-02T03:15:30Z')).toBe('2026-03-02T03:45:00.000Z'); // 09:00:30 NPT: 09:00 has passed → 09:30
    expect(at('2026-03-02T03:15:00Z')).toBe('2026-03-02T03:15:00.000Z'); // 09:00 NPT sharp
  });

  test('a high-risk visit needs a security colleague free for the whole slot too', () => {
    const security = [staff('sec-1', 'Asia/Shanghai', hours([9], [20]), [['2026-03-02T10:00:00Z', '2026-03-02T12:00:00Z']])]; // 18:00-20:00 CST Monday
    const slots = findSlots(search({ preferredHours: hours([18], [20]), security }));
    expect(shown(slots)).toEqual([
      { startsAt: '2026-03-03T10:00:00.000Z', endsAt: '2026-03-03T11:30:00.000Z', collectorId: 'c-a', securityId: 'sec-1' },
      { startsAt: '2026-03-04T10:00:00.000Z', endsAt: '2026-03-04T11:30:00.000Z', collectorId: 'c-a', securityId: 'sec-1' },
      { startsAt: '2026-03-05T10:00:00.000Z', endsAt: '2026-03-05T11:30:00.000Z', collectorId: 'c-a', securityId: 'sec-1' },
    ]);
    expect(findSlots(search({ security: [] }))).toEqual([]);
  });

  test('nothing suits: preferred hours outside the contact hours, or outside every collector’s working hours', () => {
    expect(findSlots(search({ preferredHours: hours([22, 30], [23, 30]) }))).toEqual([]);
    expect(findSlots(search({ preferredHours: hours([20], [22]) }))).toEqual([]);
    expect(findSlots(search({ collectors: [] }))).toEqual([]);
  });

  test('fewer days than slots: further slots of the same day, none overlapping another', () => {
    const slots = findSlots(search({ searchDays: 1, slotMinutes: 30, preferredHours: hours([18], [20]) }));
    expect(shown(slots).map((s) => s.startsAt)).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T10:30:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  test('a preferred window shorter than a slot is read as a start time; one across midnight keeps its evening part', () => {
    const short = findSlots(search({ preferredHours: hours([18], [19]), slotsProposed: 1 }));
    expect(shown(short).map((s) => [s.startsAt, s.endsAt])).toEqual([['2026-03-02T10:00:00.000Z', '2026-03-02T11:30:00.000Z']]);
    const lateCollector = [staff('c-late', 'Asia/Shanghai', hours([6], [23]))];
    const overnight = findSlots(search({ preferredHours: hours([20], [2]), collectors: lateCollector, slotsProposed: 1 }));
    expect(shown(overnight).map((s) => s.startsAt)).toEqual(['2026-03-02T12:00:00.000Z']); // 20:00 CST
  });
});

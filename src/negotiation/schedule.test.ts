/**
 * Schedules sum exactly (issue 16 §5, money): property-based over generated totals, terms
 * and rates, and a few hand-computed cases.
 */
import fc from 'fast-check';
import { addMonths, annuity, monthlyDueDates, planSchedule, splitEvenly } from './schedule';

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('splitEvenly', () => {
  test('1000.00 in 3: 333.33, 333.33, 333.34 (the remainder on the last)', () => {
    expect(splitEvenly(100_000, 3)).toEqual([33_333, 33_333, 33_334]);
  });

  test('a total that divides: equal parts', () => {
    expect(splitEvenly(120_000, 12)).toEqual(Array(12).fill(10_000));
  });

  test('refuses an instalment of nothing', () => {
    expect(() => splitEvenly(2, 3)).toThrow(RangeError);
    expect(() => splitEvenly(100, 0)).toThrow(RangeError);
  });

  test('property: the parts sum to the total, each is at least 1, all but the last equal, the last within count of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 1e12 }), (count, extra) => {
        const total = count + extra;
        const parts = splitEvenly(total, count);
        expect(parts).toHaveLength(count);
        expect(sum(parts)).toBe(total);
        const last = parts[count - 1] as number;
        const first = parts[0] as number;
        expect(parts.slice(0, -1).every((p) => p === first)).toBe(true);
        expect(first).toBeGreaterThanOrEqual(1);
        expect(last - first).toBeGreaterThanOrEqual(0);
        expect(last - first).toBeLessThan(count);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('annuity (the contract rate on a plan)', () => {
  test('1200.00 over 12 months at 12% a year: level 106.62, interest on the declining balance, the last clears it', () => {
    const lines = annuity(120_000, 12, 1200);
    // 1% a month: 120000 × 0.01 / (1 − 1.01^-12) = 10661.85 → 10662
    expect(lines[0]).toEqual({ amount: 10_662, interest: 1200 });
    expect(lines[1]).toEqual({ amount: 10_662, interest: Math.round((120_000 - (10_662 - 1200)) * 0.01) });
    expect(sum(lines.map((l) => l.amount - l.interest))).toBe(120_000);
    expect(lines.slice(0, -1).every((l) => l.amount === 10_662)).toBe(true);
  });

  test('a rate of 0 is the even split', () => {
    expect(annuity(100_000, 3, 0)).toEqual([33_333, 33_333, 33_334].map((amount) => ({ amount, interest: 0 })));
  });

  test('property: the principal parts sum to the amount carried, every instalment is at least 1 and carries its interest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: 0, max: 5000 }), (count, extra, bps) => {
        const carried = count + extra;
        const lines = annuity(carried, count, bps);
        expect(lines).toHaveLength(count);
        expect(sum(lines.map((l) => l.amount - l.interest))).toBe(carried);
        // one expect per run, not per line: jest's matchers are slow enough to matter over 100k lines
        expect(lines.filter((l) => !Number.isSafeInteger(l.amount) || l.interest < 0 || l.amount - l.interest < 1)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('due dates', () => {
  test('monthly from the 31st: the last day of shorter months, back to the 31st when the month has one', () => {
    expect(monthlyDueDates('2027-01-31', 4)).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30']);
  });

  test('across a year end and a leap February', () => {
    expect(addMonths('2027-12-29', 2)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', 14)).toBe('2028-01-15');
  });

  test('planSchedule numbers the instalments and dates them monthly', () => {
    expect(planSchedule(100_000, 3, '2026-12-15')).toEqual([
      { instalmentNo: 1, dueDate: '2026-12-15', amount: 33_333, interest: 0 },
      { instalmentNo: 2, dueDate: '2027-01-15', amount: 33_333, interest: 0 },
      { instalmentNo: 3, dueDate: '2027-02-15', amount: 33_334, interest: 0 },
    ]);
  });
});

/**
 * Exact schedules in minor units (issue 16 §2): the instalments of a plan sum to its total
 * to the last minor unit, whatever the split. Pure and deterministic (no clock, no I/O), so
 * the workflow can call it and replay the same numbers.
 *
 * Without interest the total is split into equal instalments rounded down, and the
 * remainder goes on the last one. With interest (the contract rate on a plan, issue 16 §1)
 * it is the usual annuity: a level payment, each month's interest on the balance still
 * carried, rounded to the minor unit, and the last instalment whatever clears the balance,
 * so the principal parts sum to the amount carried exactly.
 */
import type { IsoDate } from '../domain/dates';
import type { ScheduleLine } from '../domain/negotiation';

/** `months` calendar months after `from`, on the same day of the month or the month's last day. */
export function addMonths(from: IsoDate, months: number): IsoDate {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** Monthly due dates: the first, then the same day of each following month. */
export const monthlyDueDates = (first: IsoDate, count: number): IsoDate[] => Array.from({ length: count }, (_, k) => addMonths(first, k));

/**
 * `total` minor units in `count` instalments: equal parts rounded down, the remainder on the
 * last. Throws on a count below 1 or a total below the count (an instalment of nothing).
 */
export function splitEvenly(total: number, count: number): number[] {
  if (!Number.isSafeInteger(total) || !Number.isInteger(count) || count < 1 || total < count) throw new RangeError(`cannot split ${total} into ${count} instalments of at least 1`);
  const part = Math.floor(total / count);
  return Array.from({ length: count }, (_, k) => (k === count - 1 ? total - part * (count - 1) : part));
}

/** `carried` minor units repaid in `count` monthly instalments, at `yearlyRateBps` on the declining balance. */
export function annuity(carried: number, count: number, yearlyRateBps: number): { amount: number; interest: number }[] {
  if (yearlyRateBps <= 0) return splitEvenly(carried, count).map((amount) => ({ amount, interest: 0 }));
  splitEvenly(carried, count); // the same refusals as without interest
  const r = yearlyRateBps / 10_000 / 12;
  const level = Math.round((carried * r) / (1 - (1 + r) ** -count));
  const lines: { amount: number; interest: number }[] = [];
  let balance = carried;
  for (let k = 0; k < count; k++) {
    const interest = Math.round(balance * r);
    // the last instalment clears what is left; an earlier one never repays more than is carried, nor less than 1
    const principal = k === count - 1 ? balance : Math.min(Math.max(level - interest, 1), balance - (count - 1 - k));
    lines.push({ amount: principal + interest, interest });
    balance -= principal;
  }
  return lines;
}

/** The schedule of `carried` minor units from `firstDue`, monthly. */
export function planSchedule(carried: number, count: number, firstDue: IsoDate, yearlyRateBps = 0): ScheduleLine[] {
  const dates = monthlyDueDates(firstDue, count);
  return annuity(carried, count, yearlyRateBps).map(({ amount, interest }, k) => ({ instalmentNo: k + 1, dueDate: dates[k] as IsoDate, amount, interest }));
}

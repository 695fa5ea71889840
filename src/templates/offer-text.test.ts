import type { OfferOption } from '../domain/negotiation';
import { formatOfferOptions, formatPlanInstalment } from './offer-text';

const none = { principal: 0, contractInterest: 0, lateInterest: 0, penaltyFees: 0 };
const plan: OfferOption = {
  kind: 'INSTALMENT_PLAN',
  owed: 300_000,
  total: 292_500,
  waivers: [],
  writeDown: none,
  affordable: true,
  schedule: [
    { instalmentNo: 1, dueDate: '2026-12-15', amount: 146_250, interest: 0 },
    { instalmentNo: 2, dueDate: '2027-01-15', amount: 146_250, interest: 0 },
  ],
};
const settlement: OfferOption = { ...plan, kind: 'SETTLEMENT', owed: 900_000, total: 810_000, schedule: [{ instalmentNo: 1, dueDate: '2026-12-15', amount: 810_000, interest: 0 }] };

test('the options in plain words, numbered, with what is waived', () => {
  expect(formatOfferOptions([plan, { ...settlement }], 'CNY')).toBe(
    '1) the overdue amount in 2 monthly payments of CNY 1462.50, from 2026-12-15 (CNY 75.00 waived); 2) a single payment of CNY 8100.00 by 2026-12-15 settles the account (CNY 900.00 waived)',
  );
});

test('an extension with a different last instalment says so; nothing waived says nothing', () => {
  const ext: OfferOption = { ...plan, kind: 'TERM_EXTENSION', owed: 100_001, total: 100_001, schedule: [
    { instalmentNo: 1, dueDate: '2026-12-15', amount: 50_000, interest: 0 },
    { instalmentNo: 2, dueDate: '2027-01-15', amount: 50_001, interest: 0 },
  ] };
  expect(formatOfferOptions([ext], 'CNY')).toBe('1) the whole balance in 2 monthly payments of CNY 500.00, the last CNY 500.01, from 2026-12-15');
});

test('the next instalment: what is left of it, with the loan\'s own installment falling due beside it', () => {
  const third = { instalmentNo: 3, dueDate: '2027-02-15', amount: 20_357, interest: 0, paid: 357 };
  expect(formatPlanInstalment(third, 'CNY')).toBe('CNY 200.00 due on 2027-02-15');
  expect(formatPlanInstalment(third, 'CNY', 100_000)).toBe("CNY 1200.00 due by 2027-02-15 (CNY 200.00 for the plan, CNY 1000.00 for the loan's own installment)");
});

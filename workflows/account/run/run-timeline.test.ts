import type { AccountSummary } from '../contract';
import { currentDetails, timelineChanges } from './run-timeline';

const AT = '2026-12-01T02:00:00.000Z';
const base: AccountSummary = {
  accountId: 'A-1',
  stage: 'REMINDING',
  currency: 'CNY',
  amountOverdue: 250_000,
  amountOverdueFormatted: 'CNY 2500.00',
  daysPastDue: 12,
  bucket: '1-30',
  riskTier: 'B',
  oldestUnpaidDueDate: '2026-11-19',
  figuresAsOf: '2026-12-01',
  treatment: 'standard',
  nextStep: { action: 'SMS sms-first-reminder', at: AT },
  onHold: false,
  holds: [],
  paymentsCounted: 0,
  paymentsReversed: 0,
  promisesKept: 0,
  promisesBroken: 0,
  contactCeased: false,
  lastBlockedContact: null,
  openCallTask: null,
};
const told = (before: AccountSummary, after: Partial<AccountSummary>) => timelineChanges(before, { ...before, ...after }, AT).map((e) => `${e.kind} ${e.text}`);

test('no change, no event', () => {
  expect(told(base, {})).toEqual([]);
});

test('a contact step taken, then a refusal with its rule (the refused step is not told as taken)', () => {
  expect(told(base, { nextStep: { action: 'CALL call-reminder', at: AT } })).toEqual(['CONTACT SMS sms-first-reminder: cadence step taken']);
  expect(told(base, { nextStep: null, lastBlockedContact: { channel: 'SMS', rule: 'OPTED_OUT', nextAllowedAt: null } })).toEqual(['BLOCK SMS refused by the contact policy: OPTED_OUT']);
});

test('stage moves, payments, holds, promises, calls, cease-contact', () => {
  expect(told(base, { stage: 'ON_HOLD', holds: ['DISPUTE (h1, since x)'] })).toEqual(['HOLD hold placed: DISPUTE (h1, since x)', 'STAGE REMINDING → ON_HOLD']);
  expect(told(base, { paymentsCounted: 1, amountOverdue: 0, amountOverdueFormatted: 'CNY 0.00', stage: 'CURED', nextStep: null })).toEqual([
    'PAYMENT payment counted: CNY 0.00 overdue',
    'CONTACT SMS sms-first-reminder: cadence step taken',
    'STAGE REMINDING → CURED',
  ]);
  const promise = { promiseId: 7, amount: 100_000, currency: 'CNY', promisedFor: '2026-12-05', checkAt: '2026-12-06T16:00:00.000Z', amountFormatted: 'CNY 1000.00' };
  expect(told(base, { pendingPromise: promise })).toEqual(['PROMISE promise to pay CNY 1000.00 by 2026-12-05, judged 2026-12-06 16:00Z']);
  expect(told({ ...base, pendingPromise: promise }, { pendingPromise: null, promisesBroken: 1 })).toEqual(['PROMISE promise broken: the next escalation step comes forward']);
  expect(told(base, { openCallTask: { taskId: 42, dueBy: AT }, assignedAgent: 'agent-01', nextStep: { action: 'agent call: task 42 (agent-01), answer by', at: AT } })).toEqual([
    'CONTACT SMS sms-first-reminder: cadence step taken',
    'CALL call task 42 opened for agent-01, answer by 2026-12-01 02:00Z',
  ]);
  expect(told({ ...base, openCallTask: { taskId: 42, dueBy: AT } }, { openCallTask: null })).toEqual(['CALL call task 42 closed']);
  expect(told(base, { contactCeased: true })).toEqual(['CEASE_CONTACT cease-contact: no outbound contact any more']);
});

test('the current details: stage, DPD, amount, treatment, next step and staff, in markdown', () => {
  expect(currentDetails({ ...base, assignedAgent: 'agent-01' })).toBe(
    '**REMINDING** · 12 DPD · CNY 2500.00 overdue (bucket 1-30)\n\nTreatment: standard\n\nNext step: SMS sms-first-reminder — 2026-12-01 02:00Z\n\nStaff: agent agent-01',
  );
});

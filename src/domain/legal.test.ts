/**
 * The legal payloads: a bad outcome, write-off decision, recall or closure is refused with
 * the field named; the outcomes' order (the validator's and the activity's one check).
 */
import { accountClosedSchema, approveWriteOffSchema, outcomeOutOfOrder, recallPlacementSchema, recordLegalOutcomeSchema } from './legal';

const problems = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('recordLegalOutcome', () => {
  test('each kind with what it needs: a court reference when filed, an amount in minor units when money moves', () => {
    expect(recordLegalOutcomeSchema.safeParse({ outcome: 'FILED', caseId: 1, occurredOn: '2026-11-02', reportedBy: 'legal-01', courtReference: 'C-1', hearingOn: '2026-12-10' }).success).toBe(true);
    expect(recordLegalOutcomeSchema.safeParse({ outcome: 'UNRECOVERABLE', caseId: 1, occurredOn: '2026-11-02', reportedBy: 'legal-01' }).success).toBe(true);
    expect(problems(recordLegalOutcomeSchema.safeParse({ outcome: 'FILED', caseId: 1, occurredOn: '2026-11-02', reportedBy: 'legal-01' }))).toEqual(['courtReference: Invalid input: expected string, received undefined']);
    expect(problems(recordLegalOutcomeSchema.safeParse({ outcome: 'RECOVERED', caseId: 1, occurredOn: '2026-11-02', reportedBy: 'legal-01', amount: 12.5, currency: 'CNY' }))).toEqual(['amount: an integer number of minor units (e.g. cents)']);
    expect(problems(recordLegalOutcomeSchema.safeParse({ outcome: 'JUDGMENT', caseId: 1, occurredOn: '2026-11-02', reportedBy: 'legal-01', amount: 0, currency: 'CNY' }))).toEqual(['amount: at least one minor unit']);
    expect(problems(recordLegalOutcomeSchema.safeParse({ outcome: 'ASSET_PRESERVATION', caseId: 1, occurredOn: '2026-11-02', reportedBy: 'legal-01', hearingOn: '2026-11-01' }))).toEqual(['hearingOn: the hearing is on or after the day the outcome occurred']);
    expect(recordLegalOutcomeSchema.safeParse({ outcome: 'UNRECOVERABLE', caseId: 1, occurredOn: '2026-11-02', reportedBy: 'legal-01', amount: 5 }).success).toBe(false);
  });

  test('in order: dates, filing before judgment, once each, nothing after the end, not in the future', () => {
    const filed = { outcome: 'FILED' as const, occurredOn: '2026-10-01' };
    expect(outcomeOutOfOrder([], { outcome: 'JUDGMENT', occurredOn: '2026-10-01' }, '2026-12-01')).toBe('a judgment comes after the case is filed');
    expect(outcomeOutOfOrder([filed], { outcome: 'JUDGMENT', occurredOn: '2026-11-01' }, '2026-12-01')).toBeNull();
    expect(outcomeOutOfOrder([filed], { outcome: 'ASSET_PRESERVATION', occurredOn: '2026-09-30' }, '2026-12-01')).toBe('occurredOn 2026-09-30 is before the last outcome (FILED on 2026-10-01)');
    expect(outcomeOutOfOrder([filed], { outcome: 'FILED', occurredOn: '2026-10-02' }, '2026-12-01')).toBe('the case is already filed');
    expect(outcomeOutOfOrder([filed, { outcome: 'RECOVERED', occurredOn: '2026-11-01' }], { outcome: 'UNRECOVERABLE', occurredOn: '2026-11-02' }, '2026-12-01')).toBe('the case ended with RECOVERED: nothing is recorded after it');
    expect(outcomeOutOfOrder([], { outcome: 'FILED', occurredOn: '2026-12-02' }, '2026-12-01')).toBe('occurredOn 2026-12-02 is in the future (today is 2026-12-01)');
    expect(outcomeOutOfOrder([filed], { outcome: 'RECOVERED', occurredOn: '2026-11-01', currency: 'USD' }, '2026-12-01', 'CNY')).toBe('the amount is in USD, the account in CNY');
  });
});

test('approveWriteOff, recallPlacement and the closed event need their reasons', () => {
  expect(problems(approveWriteOffSchema.safeParse({ recommendationId: 1, supervisorId: 'sup-01', decision: 'APPROVE', reason: 'no' }))).toEqual(['reason: Too small: expected string to have >=5 characters']);
  expect(problems(approveWriteOffSchema.safeParse({ recommendationId: 1, supervisorId: 'sup-01', decision: 'MAYBE', reason: 'charged off' }))[0]).toMatch(/^decision: /);
  expect(recallPlacementSchema.safeParse({ placementId: 2, supervisorId: 'sup-01', reason: 'dispute raised' }).success).toBe(true);
  expect(problems(accountClosedSchema.safeParse({ eventId: 'e-1', reason: 'OTHER', closedOn: '2026-12-01', source: 'API' }))).toEqual(['note: OTHER needs a note']);
  expect(accountClosedSchema.safeParse({ eventId: 'e-1', reason: 'SOLD', closedOn: '2026-12-01', source: 'IMPORT', note: 'sold to a debt buyer' }).success).toBe(true);
});

/**
 * The visit report's validation (issue 7 §2, §4): a report with a required part missing is
 * rejected naming that part, for every required part; wrong values are named too, never
 * echoed. What the submitVisitReport validator, the API and the CLI all use.
 */
import { validVisitReport } from '../../test/field-collection-seeds';
import { DOCUMENTS, visitReportSchema } from './field-collection';
import { parseOrReject } from './input-problems';

const report = () => validVisitReport(7, 'collector-01', '2026-11-25T02:40:00.000Z') as unknown as Record<string, Record<string, unknown>>;

const rejection = (payload: unknown): string => {
  try {
    parseOrReject('submitVisitReport', visitReportSchema, payload);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the report was accepted');
};

const REQUIRED_PARTS = [
  'appointmentId',
  'submittedBy',
  'visitedAt',
  'addressVisited',
  'credentialsShown',
  'identity',
  'identity.checked',
  'documents',
  ...DOCUMENTS.flatMap((d) => [`documents.${d}`, `documents.${d}.status`]),
  'interview',
  'interview.occupation',
  'interview.householdMembers',
  'interview.monthlyIncome',
  'interview.monthlyOutgoings',
  'interview.reasonForLateness',
  'consent',
  'consent.form',
  'consent.covers',
  'assessment',
  'assessment.abilityToPay',
  'assessment.willingnessToPay',
  'recommendation',
  'recommendation.action',
];

test('the example report is valid', () => {
  expect(visitReportSchema.safeParse(report()).success).toBe(true);
});

test.each(REQUIRED_PARTS)('a report without %s is rejected naming it', (part) => {
  const payload = report();
  const keys = part.split('.');
  let holder: Record<string, unknown> = payload;
  for (const key of keys.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
  delete holder[keys.at(-1)!];
  expect(rejection(payload)).toContain(`${part}: missing`);
});

test('every missing part is named at once, and wrong values are named without echoing them', () => {
  const payload = report();
  delete payload.consent;
  delete (payload.documents as Record<string, unknown>).idCard;
  payload.interview!.monthlyIncome = 'lots';
  payload.assessment!.willingnessToPay = 9;
  (payload as Record<string, unknown>).credentialsShown = false;
  const message = rejection(payload);
  expect(message).toContain('consent: missing');
  expect(message).toContain('documents.idCard: missing');
  expect(message).toContain('interview.monthlyIncome: an amount in major units such as 1200.50');
  expect(message).toContain('assessment.willingnessToPay: 1 (none) to 5 (full)');
  expect(message).toContain('credentialsShown: credentials must be shown at every visit (true)');
  expect(message).not.toContain('lots');
});

test('an identity check says how it was done, and the interview and incomes need the consent that covers them', () => {
  const payload = report();
  delete payload.identity!.method;
  payload.consent!.covers = ['PHOTOS'];
  const message = rejection(payload);
  expect(message).toContain('identity.method: missing: how the identity was checked');
  expect(message).toContain('consent.covers: the interview is recorded only with consent: INTERVIEW_ANSWERS must be covered');
  expect(message).toContain('consent.covers: monthly income and outgoings are recorded only with consent: INCOME_FIGURES must be covered');
});

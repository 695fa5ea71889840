/** The treatment choice against the real Postgres: each segment of the shipped config, and the override. */
import type { Pool } from '../src/db/pool';
import { loadTreatments } from '../src/treatments/load';
import { brokenPromises, pay, refusalOnCall, setRiskTier } from '../test/early-collection-seeds';
import { seedAccount, testPool, uniqueId } from '../test/support';
import { OutboxSmsProvider } from './providers/sms-provider';
import { createTreatmentActivities, REQUESTED_WHY } from './treatment';

const treatments = loadTreatments();
let pool: Pool;
let chooseTreatment: ReturnType<typeof createTreatmentActivities>['chooseTreatment'];

beforeAll(() => {
  pool = testPool('shared');
  ({ chooseTreatment } = createTreatmentActivities({ pool, smsProvider: new OutboxSmsProvider(pool), businessTimeZone: 'Asia/Shanghai', treatments }));
});
afterAll(async () => {
  await pool.end();
});

// 10:00 on 10 June 2026 in Shanghai.
const AT = Date.parse('2026-06-10T02:00:00Z');
const ruleWhy = (index: number) => treatments.rules[index]!.why;

/**
 * Nine monthly installments (Sep 2025 – May 2026) paid ahead by one payment on 31 Aug
 * 2025, and a tenth due 31 May 2026 unpaid: 10 days past due, on time 9 of 10 (0.9).
 */
async function goodRecordTenDaysLate(tier: string): Promise<string> {
  const dueDates = ['2025-09-01', '2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-05-31'];
  const accountId = await seedAccount(pool, { installments: dueDates.map((dueDate) => ({ dueDate, amount: 10_000 })) });
  await pay(pool, accountId, 90_000, '2025-08-31');
  await setRiskTier(pool, accountId, tier);
  return accountId;
}

/** One installment, due 1 May 2026 and unpaid: 40 days past due, never on time. */
const fortyDaysLate = () => seedAccount(pool, { installments: [{ dueDate: '2026-05-01', amount: 10_000 }] });

test('short lateness, LOW tier, a good record → gentle, with the rule’s why and the settings', async () => {
  const accountId = await goodRecordTenDaysLate('LOW');
  expect(await chooseTreatment({ accountId, at: AT })).toEqual({
    treatmentId: 'gentle',
    configVersion: '2026.2',
    treatment: treatments.treatments.gentle,
    why: ruleWhy(2),
    segment: { bucket: '1-30', riskTier: 'LOW', onTimeRatio: 0.9, brokenPromises: 0, refusedToPay: false },
    promisePolicy: { horizonDays: 30, graceDays: 2 },
    callWindowHours: 24,
    businessTimeZone: 'Asia/Shanghai',
  });
});

test('the same record in the MEDIUM tier matches no rule → standard, the default, and says so', async () => {
  const accountId = await goodRecordTenDaysLate('MEDIUM');
  const choice = await chooseTreatment({ accountId, at: AT });
  expect(choice).toMatchObject({ treatmentId: 'standard', segment: { bucket: '1-30', riskTier: 'MEDIUM', onTimeRatio: 0.9 } });
  expect(choice.why).toBe('No rule of treatments config 2026.2 matches this segment, so the default treatment standard applies.');
});

test('40 days past due → fast; an unscreened account is UNRATED', async () => {
  const accountId = await fortyDaysLate();
  const choice = await chooseTreatment({ accountId, at: AT });
  expect(choice).toMatchObject({ treatmentId: 'fast', why: ruleWhy(1), segment: { bucket: '31-60', riskTier: 'UNRATED', onTimeRatio: 0, brokenPromises: 0, refusedToPay: false } });
});

test('two broken promises → strong, whatever the record', async () => {
  const accountId = await goodRecordTenDaysLate('LOW');
  await brokenPromises(pool, accountId, 1);
  expect(await chooseTreatment({ accountId, at: AT })).toMatchObject({ treatmentId: 'standard', segment: { brokenPromises: 1 } });
  await brokenPromises(pool, accountId, 1);
  expect(await chooseTreatment({ accountId, at: AT })).toMatchObject({ treatmentId: 'strong', why: ruleWhy(0), segment: { brokenPromises: 2, refusedToPay: false } });
});

test('a refusal told to an agent → strong', async () => {
  const accountId = await goodRecordTenDaysLate('LOW');
  await refusalOnCall(pool, accountId);
  expect(await chooseTreatment({ accountId, at: AT })).toMatchObject({ treatmentId: 'strong', why: ruleWhy(0), segment: { refusedToPay: true } });
});

test('the workflow’s override wins over the segment; an unknown one is refused, naming the known ids', async () => {
  const accountId = await fortyDaysLate();
  expect(await chooseTreatment({ accountId, at: AT, requestedTreatment: 'gentle' })).toMatchObject({
    treatmentId: 'gentle',
    treatment: treatments.treatments.gentle,
    why: REQUESTED_WHY,
    segment: { bucket: '31-60' },
  });
  await expect(chooseTreatment({ accountId, at: AT, requestedTreatment: 'harsh' })).rejects.toMatchObject({
    type: 'UnknownTreatment',
    nonRetryable: true,
    message: 'no treatment harsh in treatments config 2026.2 (known: fast, gentle, standard, strong)',
  });
});

test('an unknown account is a non-retryable failure', async () => {
  await expect(chooseTreatment({ accountId: uniqueId('NOPE'), at: AT })).rejects.toMatchObject({ type: 'AccountNotFound', nonRetryable: true });
});

describe('champion/challenger (issue 18 §4)', () => {
  const experiments = (challengerShare: number, active = true) => ({
    version: 'test-1',
    experiments: [{ id: 'standard-vs-fast', description: 'test', champion: 'standard', challenger: 'fast', challengerShare, active }],
  });
  const choose = (config: ReturnType<typeof experiments>) =>
    createTreatmentActivities({ pool, smsProvider: new OutboxSmsProvider(pool), businessTimeZone: 'Asia/Shanghai', treatments, experiments: config }).chooseTreatment;

  test('an account the rules give the champion lands in an arm, recorded with the choice; the challenger arm gets the challenger', async () => {
    const accountId = await goodRecordTenDaysLate('MEDIUM'); // the rules: standard
    const challenger = await choose(experiments(1))({ accountId, at: AT });
    expect(challenger).toMatchObject({ treatmentId: 'fast', treatment: treatments.treatments.fast, experiment: { id: 'standard-vs-fast', arm: 'challenger', configVersion: 'test-1' } });
    expect(challenger.why).toMatch(/Experiment standard-vs-fast \(config test-1\): challenger arm\.$/);
    const champion = await choose(experiments(0))({ accountId, at: AT });
    expect(champion).toMatchObject({ treatmentId: 'standard', experiment: { id: 'standard-vs-fast', arm: 'champion' } });
  });

  test('an inactive experiment, another champion, or a requested treatment: no experiment', async () => {
    const accountId = await goodRecordTenDaysLate('MEDIUM');
    expect(await choose(experiments(1, false))({ accountId, at: AT })).not.toHaveProperty('experiment');
    expect(await choose(experiments(1))({ accountId: await goodRecordTenDaysLate('LOW'), at: AT })).toMatchObject({ treatmentId: 'gentle' });
    expect(await choose(experiments(1))({ accountId: await goodRecordTenDaysLate('LOW'), at: AT })).not.toHaveProperty('experiment');
    expect(await choose(experiments(1))({ accountId, at: AT, requestedTreatment: 'standard' })).not.toHaveProperty('experiment');
  });
});

/**
 * SCREENED on the time-skipping server with the real activities and Postgres: the treatment is
 * chosen once, and a run in a champion/challenger experiment (issue 18 §4) shows its arm in the
 * Experiment search attribute, the memo and the TREATMENT_CHOSEN audit record the reports group by.
 */
import { createActivities } from '../../../activities';
import { OutboxSmsProvider } from '../../../activities/providers/sms-provider';
import { loadTreatments } from '../../../src/treatments/load';
import { collectionHarness } from '../../../test/collection-harness';
import { eventually } from '../../../test/support';
import { Experiment, summaryQuery } from '../contract';

const treatments = loadTreatments();
const ids = Object.keys(treatments.treatments);
// Whatever the rules choose for the test account, it is some experiment's champion; every account is a challenger.
const experiments = {
  version: 'test-1',
  experiments: ids.map((champion, i) => ({ id: `${champion}-trial`, description: 'test', champion, challenger: ids[(i + 1) % ids.length]!, challengerShare: 1, active: true })),
};

const harness = collectionHarness({
  name: 'screened',
  activities: (pool) => createActivities({ pool, smsProvider: new OutboxSmsProvider(pool), treatments, experiments }),
});

test('a run in an experiment carries its arm in the Experiment search attribute, the memo and the audit record', async () => {
  const accountId = await harness.overdueAccount();
  const handle = await harness.start(accountId);
  const { treatment } = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
  const experiment = experiments.experiments.find((e) => e.challenger === treatment)!;
  const label = `${experiment.id}:challenger`;

  const described = await handle.describe();
  expect(described.typedSearchAttributes.get(Experiment)).toBe(label);
  expect(described.memo).toMatchObject({ experiment: label, treatment: { id: treatment } });
  const { rows } = await harness.pool.query(`SELECT detail->>'experiment' AS experiment FROM audit_events WHERE account_id = $1 AND kind = 'TREATMENT_CHOSEN'`, [accountId]);
  expect(rows).toEqual([{ experiment: label }]);
  await harness.closeOut(handle);
});

/**
 * The replay net: real histories of accountCollection and dailyScreening, exported under
 * __fixtures__/histories, replayed on the current workflow code. A change that
 * would break a running account's history fails here, before it ships.
 *
 * Recording (`npm run record-history`, which adds the histories of the current
 * generation of each workflow and keeps the ones already there): when a change is
 * deliberately incompatible AND ships behind patched() or as a new workflow type, or
 * to add a scenario. NEVER re-record (`--overwrite`) to make a failing replay pass:
 * the failure means running workflows would break on deploy.
 *
 * The last test is the negative proof: a copy of the workflow with one breaking change
 * (__fixtures__/incompatible) must fail to replay, so the net is known to bite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type ReplayResult, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { createDataConverter } from '../../src/codec/data-converter';
import { testWorkflowBundle } from '../../test/support';
import fixtureCodecKey from './__fixtures__/fixture-codec-key.json';

const HISTORIES_DIR = path.join(__dirname, '__fixtures__', 'histories');
/** A test-only key (not a secret): the recorded payloads are encrypted with it. */
const dataConverter = createDataConverter({ current: fixtureCodecKey, previous: [] });

/** Every recorded history; the file name (without .json) stands in as the workflow id. */
function recordedHistories(): { workflowId: string; history: History }[] {
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
    }));
}

async function replay(workflowBundle: { codePath: string } | WorkflowBundleWithSourceMap, histories: { workflowId: string; history: History }[]) {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter }, histories)) results.push(result);
  return results;
}

const SCENARIOS = ['continued-as-new', 'partial-duplicate-bad-signal', 'reminded-then-cured'];

test('the recorded scenarios are all there, for every workflow generation still running', () => {
  // v1: database steps as regular activities; v2: as local activities; v3: early collection; v4: field collection;
  // v5: a cure recorded with its payment in one local activity; v6: the stage kernel (each patched)
  const expected = [
    ...['v1', 'v2', 'v3', 'v4', 'v5', 'v6'].flatMap((generation) => SCENARIOS.map((scenario) => `${generation}-${scenario}`)),
    'v1-daily-screening',
    // v3: a run that escalated before field collection existed; v4: field collection
    'v3-escalated-then-cured',
    'v4-field-appointment-no-show-report',
    'v4-field-override-hold-unconfirmed',
    'v5-escalated-then-cured',
    'v5-call-promise-hold-cured',
    'v5-field-appointment-no-show-report',
    'v5-field-override-hold-unconfirmed',
    // v6: the stage kernel (one transition per move, replay-safe handlers, cease-contact hands on)
    'v6-escalated-then-cured',
    'v6-call-promise-hold-cured',
    'v6-field-appointment-no-show-report',
    'v6-field-override-hold-unconfirmed',
    'v6-ceased-to-legal-then-cured',
  ];
  expect(recordedHistories().map((h) => h.workflowId)).toEqual(expect.arrayContaining(expected));
});

test('every recorded history replays on the current workflow code', async () => {
  const histories = recordedHistories();
  const results = await replay(testWorkflowBundle(), histories);

  expect(results.map((r) => r.workflowId)).toEqual(histories.map((h) => h.workflowId));
  // On failure, the message names the history and what diverged.
  expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
});

test('the net bites: an incompatible variant of the workflow fails to replay', async () => {
  const incompatible = await bundleWorkflowCode({
    workflowsPath: require.resolve('./__fixtures__/incompatible'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m) => console.error(m), log() {} },
  });
  const history = recordedHistories().find((h) => h.workflowId === 'v1-reminded-then-cured');
  expect(history).toBeDefined();

  const [result, ...rest] = await replay(incompatible, [history!]);

  expect(rest).toEqual([]);
  // runReplayHistories does not throw: each result carries the error of its history.
  expect(result?.error).toBeInstanceOf(DeterminismViolationError);
  expect(result?.error?.message).toMatch(/Nondeterminism error/);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { createLogger } from '../logger';
import { startChildProcess } from '../setup/child-process';
import { freePort, startDevServer } from '../setup/dev-server';
import type { ResolvedTool } from '../setup/temporal-tools';
import { startKillablePostgres } from '../../test/killable-postgres';
import { eventually } from '../../test/support';
import { describeEvent, type SupervisedChild, type SupervisionEvent, Supervisor } from './supervisor';

const FAST = { backoffMs: 100, maxBackoffMs: 1_000, fastFailureMs: 60_000, giveUpAfter: 3 };
const log = createLogger('silent');
let dir: string;
beforeAll(() => {
  // Postgres runs as its own user when the tests run as root: it must reach its cluster here.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-supervisor-'));
  fs.chmodSync(dir, 0o755);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A real Node process running `code`. */
const nodeChild = (name: string, code: string): SupervisedChild => ({
  name,
  logFile: path.join(dir, `${name}.log`),
  async start() {
    const proc = startChildProcess(name, process.execPath, ['-e', code], { logFile: path.join(dir, `${name}.log`), graceMs: 2_000 });
    return { pid: proc.child.pid, exited: proc.exited, stop: () => proc.stop() };
  },
});
const FOREVER = 'setInterval(() => {}, 1000)';

const isAlive = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

function supervise(children: SupervisedChild[]) {
  const events: SupervisionEvent[] = [];
  const supervisor = new Supervisor(children, (e) => events.push(e), FAST);
  const pidOf = (name: string) =>
    events.filter((e): e is Extract<SupervisionEvent, { pid?: number }> => (e.kind === 'started' || e.kind === 'restarted') && e.name === name).at(-1)?.pid;
  return { supervisor, events, pidOf };
}

describe('the launcher supervisor', () => {
  it('restarts a child killed with SIGKILL and reports its death and restart; the others run on', async () => {
    const { supervisor, events, pidOf } = supervise([nodeChild('steady', FOREVER), nodeChild('victim', FOREVER)]);
    try {
      await supervisor.start();
      const [steady, victim] = [pidOf('steady'), pidOf('victim')];
      process.kill(victim!, 'SIGKILL');
      const restarted = await eventually(async () => events.find((e) => e.kind === 'restarted'), Boolean, 10_000);
      expect(restarted).toMatchObject({ kind: 'restarted', name: 'victim', restarts: 1 });
      expect(events.find((e) => e.kind === 'died')).toMatchObject({ name: 'victim', exit: 'killed by SIGKILL', failuresInARow: 1 });
      expect(describeEvent(events.find((e) => e.kind === 'died')!)).toMatch(/^victim killed by SIGKILL after [\d.]+ s; restarting in 0\.1 s$/);
      expect(pidOf('victim')).not.toBe(victim);
      expect(isAlive(pidOf('victim'))).toBe(true);
      expect(isAlive(steady)).toBe(true);
    } finally {
      await supervisor.stop('test over');
    }
  });

  it('stops the children in reverse order, and restarts none of them', async () => {
    const { supervisor, events, pidOf } = supervise([nodeChild('first', FOREVER), nodeChild('second', FOREVER), nodeChild('third', FOREVER)]);
    await supervisor.start();
    const pids = ['first', 'second', 'third'].map(pidOf);
    await supervisor.stop('Ctrl-C');
    expect(events.filter((e) => e.kind === 'stopping' || e.kind === 'stopped').map((e) => ('name' in e ? e.name : e.kind))).toEqual(['stopping', 'third', 'second', 'first']);
    expect(pids.map(isAlive)).toEqual([false, false, false]);
    await new Promise((r) => setTimeout(r, 300)); // longer than the backoff: a wrong restart would show
    expect(events.filter((e) => e.kind === 'restarted' || e.kind === 'died')).toEqual([]);
  });

  it('after repeated fast failures it stops everything and gives the reason', async () => {
    const { supervisor, events, pidOf } = supervise([nodeChild('steady', FOREVER), nodeChild('crasher', 'setTimeout(() => process.exit(3), 50)')]);
    await supervisor.start();
    const reason = await Promise.race([supervisor.gaveUp, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the supervisor never gave up')), 15_000))]);
    expect(reason).toBe(`crasher: it failed 3 times in a row, each within 60 s of starting; last: it exited with code 3; see ${path.join(dir, 'crasher.log')}`);
    expect(events.filter((e) => e.kind === 'died').map((e) => e.kind === 'died' && e.restartInMs)).toEqual([100, 200]);
    expect(isAlive(pidOf('steady'))).toBe(false);
  });

  it('stops a child whose start ends after everything was stopped (another child gave up meanwhile)', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const late = nodeChild('late', FOREVER);
    let latePid: number | undefined;
    const slowStarter: SupervisedChild = {
      name: 'late',
      async start() {
        await released; // still getting ready (the relay waiting for its /health) when the stop comes
        const running = await late.start();
        latePid = running.pid;
        return running;
      },
    };
    const { supervisor, events } = supervise([nodeChild('first', FOREVER), slowStarter]);
    const starting = supervisor.start();
    await eventually(async () => events.some((e) => e.kind === 'started' && e.name === 'first'), Boolean, 10_000);
    await supervisor.stop('first keeps failing');
    release();
    await starting;
    expect(isAlive(latePid)).toBe(false);
    expect(events.filter((e) => e.kind === 'started').map((e) => 'name' in e && e.name)).toEqual(['first']);
  });

  it('restarts a real Temporal dev server killed with SIGKILL, on the same address', async () => {
    const cli = JSON.parse(process.env.ARREARS_TEST_CLI!) as ResolvedTool;
    const port = await freePort();
    const temporal: SupervisedChild = { name: 'temporal', start: () => startDevServer({ cli, port, logFile: path.join(dir, 'temporal.log'), log }) };
    const { supervisor, events, pidOf } = supervise([temporal]);
    try {
      await supervisor.start();
      expect(events[0]).toMatchObject({ kind: 'started', name: 'temporal', watched: true });
      process.kill(pidOf('temporal')!, 'SIGKILL');
      await eventually(async () => events.map((e) => e.kind), (kinds) => kinds.includes('restarted'), 60_000);
      const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
      try {
        await expect(connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
      } finally {
        await connection.close();
      }
    } finally {
      await supervisor.stop('test over');
    }
  });

  it('restarts a real embedded Postgres killed with SIGKILL, its data kept', async () => {
    const port = await freePort();
    let url = '';
    let postmasterPid = 0;
    const postgres: SupervisedChild = {
      name: 'postgres',
      async start() {
        const running = await startKillablePostgres({ clusterDir: path.join(dir, 'postgres'), port, database: 'supervised_test' });
        ({ url, postmasterPid } = running);
        return running;
      },
    };
    const { supervisor, events } = supervise([postgres]);
    const query = async (sql: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    try {
      await supervisor.start();
      await query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (19)');
      const killed = postmasterPid;
      process.kill(killed, 'SIGKILL');
      await eventually(async () => events.map((e) => e.kind), (kinds) => kinds.includes('restarted'), 60_000);
      expect(events.find((e) => e.kind === 'died')).toMatchObject({ name: 'postgres', exit: 'killed by SIGKILL' });
      expect(await query('SELECT n FROM kept')).toEqual([{ n: 19 }]);
      expect(postmasterPid).not.toBe(killed);
    } finally {
      await supervisor.stop('test over');
    }
  });
});

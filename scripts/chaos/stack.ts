/**
 * The whole local stack, started the way `npm start` starts it: the launcher's own list of
 * children (src/launcher/children.ts) under its supervisor, on free ports and a data dir of
 * the harness's own (.data/chaos), so a developer's `npm start` on the same machine is left
 * alone. It remembers each child's current pid (from the supervisor's events) to SIGKILL it,
 * and when each came back.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { codecKeysFrom, type CodecKeys } from '../../src/codec/data-converter';
import { parseConfig, type Config } from '../../src/config';
import { launcherChildren, type LocalStack } from '../../src/launcher/children';
import { localCodecKey } from '../../src/launcher/codec-key';
import { describeEvent, Supervisor, type SupervisionEvent } from '../../src/launcher/supervisor';
import { createLogger } from '../../src/logger';
import { DEFAULT_DATA_DIR } from '../../src/paths';
import { freePort } from '../../src/setup/dev-server';
import { ensureTemporalCli } from '../../src/setup/temporal-tools';

/** What the harness kills: the launcher's children by name. */
export const KILLABLE = ['worker', 'api', 'temporal', 'postgres'] as const;
export type Killable = (typeof KILLABLE)[number];

export interface ChaosStack {
  cfg: Config;
  stack: LocalStack;
  codecKeys: CodecKeys;
  dataDir: string;
  /** SIGKILLs the child's current process; resolves with the moment, or undefined when it has none running. */
  kill(name: Killable): number | undefined;
  /** Resolves when `name` has (re)started after `since` (ms), with that moment. */
  backAfter(name: Killable, since: number, timeoutMs: number): Promise<number>;
  events: { at: number; event: SupervisionEvent }[];
  stop(): Promise<void>;
}

export async function startChaosStack(print: (line: string) => void): Promise<ChaosStack> {
  const dataDir = path.join(DEFAULT_DATA_DIR, 'chaos');
  // every run from nothing: the invariants are about this run's load only
  rmSync(dataDir, { recursive: true, force: true });
  const [pg, temporal, ui, api, oidc] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  // The worker and the API read the same variables when the supervisor (re)starts them.
  Object.assign(process.env, {
    ARREARS_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pg),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
    TEMPORAL_UI_PORT: String(ui),
    API_PORT: String(api),
    API_HOST: '127.0.0.1',
    OIDC_LOCAL_PORT: String(oidc),
    UI_CODEC_RELAY_PORT: String(await freePort()),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  delete process.env.DATABASE_URL;
  delete process.env.OIDC_ISSUER;
  const cfg = parseConfig();
  const log = createLogger(cfg.LOG_LEVEL, 'chaos');
  const codecKey = localCodecKey(dataDir, cfg.ARREARS_CODEC_KEY_ID);
  const codecKeys = codecKeysFrom({ ...cfg, ARREARS_CODEC_KEY: codecKey.key, ARREARS_CODEC_KEY_ID: codecKey.keyId });
  const stack: LocalStack = { apiUrl: `http://127.0.0.1:${api}` };
  const cli = await ensureTemporalCli({ log });
  const children = launcherChildren({ cfg, log, logDir: path.join(dataDir, 'logs'), cli, codecKey, stack });

  const pids = new Map<string, number | undefined>();
  const events: { at: number; event: SupervisionEvent }[] = [];
  const supervisor = new Supervisor(children, (event) => {
    events.push({ at: Date.now(), event });
    if ((event.kind === 'started' || event.kind === 'restarted') && event.pid) pids.set(event.name, event.pid);
    if (event.kind !== 'started') print(`  [supervisor] ${describeEvent(event)}`);
  });
  void supervisor.gaveUp.then((reason) => print(`  [supervisor] gave up: ${reason}`));
  await supervisor.start();

  return {
    cfg,
    stack,
    codecKeys,
    dataDir,
    events,
    kill(name) {
      const pid = pids.get(name);
      if (!pid) return undefined;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return undefined;
      }
      pids.delete(name);
      return Date.now();
    },
    async backAfter(name, since, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const back = events.find((e) => e.at >= since && e.event.kind === 'restarted' && e.event.name === name);
        if (back) return back.at;
        if (Date.now() > deadline) throw new Error(`${name} was not restarted within ${timeoutMs / 1000} s of its kill`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop: () => supervisor.stop('chaos run over'),
  };
}

/**
 * Runs the Temporal dev server (the official CLI's `server start-dev`): Web UI on,
 * state in a SQLite file (tuned: WAL journal, normal sync — the default rollback
 * journal with full sync is slow), the custom search attributes registered, and the
 * UI's codec endpoint given (under `npm start`, the loopback codec relay of src/ui-relay/).
 */
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from 'pino';
import { ARREARS_SEARCH_ATTRIBUTES } from '../../workflows/account/contract/search-attributes';
import { type ProcessExit, startChildProcess, waitFor } from './child-process';
import { ephemeralExecutable, type ResolvedTool } from './temporal-tools';

export interface DevServerOptions {
  cli: ResolvedTool;
  port: number;
  /** Web UI port; omitted = headless. */
  uiPort?: number;
  /** SQLite file; omitted = in memory (tests). */
  dbFile?: string;
  codecEndpoint?: string;
  namespace?: string;
  /** Where the server's own output goes. */
  logFile: string;
  log: Logger;
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  /** The server process (absent when the SDK runs it for us and keeps the process to itself). */
  pid?: number;
  /** Settles when the server process ends; absent as `pid` is. */
  exited?: Promise<ProcessExit>;
  stop(): Promise<void>;
}

const CLI_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  TEXT: 'Text',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export function devServerArgs(opts: Omit<DevServerOptions, 'cli' | 'log' | 'logFile'>): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', opts.namespace ?? 'default'];
  args.push('--log-level', 'warn', '--log-format', 'json');
  if (opts.uiPort) {
    args.push('--ui-port', String(opts.uiPort), '--ui-disable-news-fetch');
    if (opts.codecEndpoint) args.push('--ui-codec-endpoint', opts.codecEndpoint);
  } else {
    args.push('--headless');
  }
  if (opts.dbFile) {
    args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  for (const key of ARREARS_SEARCH_ATTRIBUTES) {
    args.push('--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
  }
  return args;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Answers a gRPC call: the server is serving, not just listening. */
async function isServing(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

export async function startDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const address = `127.0.0.1:${opts.port}`;
  const uiUrl = opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined;

  if (opts.cli.kind === 'sdk-download') {
    // Last way: the SDK fetches the CLI itself and runs it with the same flags.
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: ephemeralExecutable(opts.cli),
        ip: '127.0.0.1',
        port: opts.port,
        ui: Boolean(opts.uiPort),
        uiPort: opts.uiPort,
        dbFilename: opts.dbFile,
        namespace: opts.namespace,
        searchAttributes: ARREARS_SEARCH_ATTRIBUTES,
        extraArgs: opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : [],
      },
    });
    return { address, uiUrl, stop: () => env.teardown() };
  }

  const server = startChildProcess('the Temporal dev server', opts.cli.path, devServerArgs(opts), { logFile: opts.logFile, graceMs: 10_000 });
  opts.log.info({ address, uiUrl, dbFile: opts.dbFile ?? '(in memory)', pid: server.child.pid }, 'starting the Temporal dev server');
  try {
    await waitFor(server, () => isServing(address), 60_000);
  } catch (err) {
    server.child.kill('SIGKILL');
    throw err;
  }
  return { address, uiUrl, pid: server.child.pid, exited: server.exited, stop: () => server.stop() };
}

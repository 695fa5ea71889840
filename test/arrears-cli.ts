/**
 * `arrears` as staff run it: in a child process, configured by environment variables for
 * the test Postgres and the Temporal dev server, with the workers' encryption key. Its
 * output and its exit code.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CodecKeys } from '../src/codec/data-converter';
import { PROJECT_ROOT } from '../src/paths';
import { testDatabaseUrl, testTemporalAddress } from './support';
import { testTokenSettings } from './test-identities';

export interface ArrearsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A runner of `arrears <args>` whose messages the workers holding `codecKeys` can read;
 * on the shared test database unless `databaseUrl` names a file's own. It signs in at the
 * tests' OpenID provider like staff do (`arrears login --staff ID`, the secret in
 * ARREARS_PASSWORD), the token kept in a data dir of the runner's own (`dataDir`: a given one,
 * for a test that reads what the CLI keeps there).
 */
export function arrearsCli(codecKeys: CodecKeys, databaseUrl = testDatabaseUrl('shared'), dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-cli-'))): (...args: string[]) => Promise<ArrearsRun> {
  return (...args) => {
    const env = {
      ...process.env,
      OIDC_ISSUER: testTokenSettings().issuer,
      ARREARS_PASSWORD: process.env.ARREARS_TEST_SIGN_IN_SECRET,
      ARREARS_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: testTemporalAddress(),
      ARREARS_CODEC_KEY: codecKeys.current.key,
      ARREARS_CODEC_KEY_ID: codecKeys.current.keyId,
      LOG_LEVEL: 'silent',
    };
    return new Promise((resolve) => {
      execFile(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['src/cli/arrears.ts', ...args], { cwd: PROJECT_ROOT, env }, (err, stdout, stderr) => {
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
      });
    });
  };
}

/**
 * `arrears` as staff run it: in a child process, configured by environment variables for
 * the test Postgres and the Temporal dev server, with the workers' encryption key. Its
 * output and its exit code.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { CodecKeys } from '../src/codec/data-converter';
import { PROJECT_ROOT } from '../src/paths';
import { testDatabaseUrl, testTemporalAddress } from './support';

export interface ArrearsRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A runner of `arrears <args>` whose messages the workers holding `codecKeys` can read;
 * on the shared test database unless `databaseUrl` names a file's own.
 */
export function arrearsCli(codecKeys: CodecKeys, databaseUrl = testDatabaseUrl('shared')): (...args: string[]) => Promise<ArrearsRun> {
  return (...args) => {
    const env = {
      ...process.env,
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

/**
 * `arrears ui sign-in | sign-out | status` in a child process, signed in at the tests'
 * OpenID provider: only a role that may decode signs the Web UI in, and the sign-in file
 * the codec relay reads holds that operator until they sign out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { arrearsCli } from '../../../test/arrears-cli';
import { newCodecKeys } from '../../../test/support';
import { testRoleSubject } from '../../../test/test-identities';
import { readUiSignIn, uiSignInFile } from '../../ui-relay/ui-sign-in';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-ui-cli-'));
const arrears = arrearsCli(newCodecKeys(), undefined, dataDir);
const signInFile = uiSignInFile({ ARREARS_DATA_DIR: dataDir });

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test('nobody logged in: sign-in says to log in first, and nobody is signed in', async () => {
  const run = await arrears('ui', 'sign-in');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('arrears login');
  expect(fs.existsSync(signInFile)).toBe(false);
});

test('an agent may not sign the Web UI in: decoding is for the roles that may see all', async () => {
  expect((await arrears('login', '--staff', testRoleSubject('AGENT'))).code).toBe(0);
  const run = await arrears('ui', 'sign-in');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('it takes SUPERVISOR, LEGAL, COMPLIANCE');
  expect(fs.existsSync(signInFile)).toBe(false);
  expect((await arrears('ui', 'status')).stdout).toContain('Nobody has signed the local Web UI in');
});

test('a compliance officer signs it in (the file private to the user), status names them, sign-out ends it', async () => {
  const subject = testRoleSubject('COMPLIANCE');
  expect((await arrears('login', '--staff', subject)).code).toBe(0);
  const signIn = await arrears('ui', 'sign-in');
  expect(signIn.stdout).toContain(`decodes payloads as ${subject} (COMPLIANCE)`);
  expect(await readUiSignIn(signInFile)).toEqual(expect.objectContaining({ subject, roles: ['COMPLIANCE'] }));
  expect(fs.statSync(signInFile).mode & 0o777).toBe(0o600);
  expect((await arrears('ui', 'status')).stdout).toContain(`decodes as ${subject} (COMPLIANCE)`);
  expect((await arrears('ui', 'sign-out')).stdout).toContain('signed out');
  expect(fs.existsSync(signInFile)).toBe(false);
  expect((await arrears('ui', 'sign-out')).stdout).toContain('Nobody had signed the local Web UI in');
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertPostgresUserCanReach, closedFolderOnTheWay, PostgresUserCannotEnter } from './postgres-access';

describe('can the postgres user reach the embedded cluster', () => {
  let base: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-access-'));
    fs.mkdirSync(path.join(base, 'project', 'node_modules'), { recursive: true });
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('names the first folder others cannot enter, with its mode', () => {
    fs.chmodSync(base, 0o755);
    fs.chmodSync(path.join(base, 'project'), 0o700);
    expect(closedFolderOnTheWay(path.join(base, 'project', 'node_modules', 'initdb'))).toEqual({ folder: path.join(base, 'project'), mode: '0700' });
  });

  it('finds nothing when every folder on the way is open, or not made yet', () => {
    fs.chmodSync(base, 0o755);
    fs.chmodSync(path.join(base, 'project'), 0o755);
    expect(closedFolderOnTheWay(path.join(base, 'project', 'node_modules'))).toBeUndefined();
    expect(closedFolderOnTheWay(path.join(base, 'project', '.data', 'postgres'))).toBeUndefined();
    // the cluster folder itself is the postgres user's own, closed to others
    fs.chmodSync(path.join(base, 'project', 'node_modules'), 0o700);
    expect(closedFolderOnTheWay(path.join(base, 'project', 'node_modules'))).toBeUndefined();
  });

  it('started as root from a closed folder: says what is wrong and how to fix it', () => {
    fs.chmodSync(base, 0o700);
    const target = path.join(base, 'project', '.data', 'postgres');
    const refusal = () => assertPostgresUserCanReach([target], true);
    expect(refusal).toThrow(PostgresUserCannotEnter);
    expect(refusal).toThrow(`cannot enter ${base} (mode 0700)`);
    expect(refusal).toThrow(`chmod o+x ${base}`);
    expect(refusal).toThrow(/DATABASE_URL/);
    // not root: Postgres runs as the caller, who can enter their own folders
    expect(() => assertPostgresUserCanReach([target], false)).not.toThrow();
  });
});

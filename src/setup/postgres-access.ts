/**
 * Started as root, the embedded Postgres runs as the `postgres` user (Postgres refuses
 * root), so that user must be able to enter every folder on the way to the binaries and
 * the cluster. A project under a folder closed to others (e.g. /root, mode 0700) would
 * fail with a bare `spawn … initdb EACCES`; this says what is wrong and how to fix it.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * The first folder on the way to `target` (not `target` itself: the cluster folder is
 * the postgres user's own, mode 0700) that users other than its owner cannot enter.
 */
export function closedFolderOnTheWay(target: string): { folder: string; mode: string } | undefined {
  const absolute = path.resolve(target);
  const parts = absolute.split(path.sep).filter(Boolean);
  for (let depth = 0; depth < parts.length; depth++) {
    const folder = path.sep + parts.slice(0, depth).join(path.sep);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(folder);
    } catch {
      return undefined; // not made yet: it will be made open enough below one that exists
    }
    if (!stat.isDirectory()) return undefined;
    // execute for "others": the postgres user owns none of these and is in none of their groups
    if ((stat.mode & 0o001) === 0) return { folder, mode: (stat.mode & 0o777).toString(8).padStart(4, '0') };
  }
  return undefined;
}

export class PostgresUserCannotEnter extends Error {
  override name = 'PostgresUserCannotEnter';
}

/** Throws a clear error when, running as root, the postgres user could not reach one of `targets`. */
export function assertPostgresUserCanReach(targets: string[], isRoot = process.getuid?.() === 0): void {
  if (!isRoot) return;
  for (const target of targets) {
    const closed = closedFolderOnTheWay(target);
    if (!closed) continue;
    throw new PostgresUserCannotEnter(
      `The embedded Postgres cannot start: started as root, it runs as the "postgres" user (Postgres refuses to run as root), ` +
        `and that user cannot enter ${closed.folder} (mode ${closed.mode}) on the way to ${target}; it would fail with "spawn … initdb EACCES". ` +
        `Fix one of: run npm start as an ordinary user; move the project to a folder other users can enter (e.g. /opt or /srv); ` +
        `open the folder with "chmod o+x ${closed.folder}"; or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
}

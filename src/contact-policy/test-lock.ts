/** For the tests that stage a race at the borrower's contact lock (lock.ts). */
import type { Queryable } from '../db/pool';

/** Sessions waiting for the borrower's contact lock (a 64-bit advisory key: classid the high half, objid the low). */
const WAITING_SQL = `
  SELECT count(*)::int AS n
  FROM pg_locks l CROSS JOIN (SELECT hashtextextended('contact-policy:' || $1, 0) AS k) h
  WHERE l.locktype = 'advisory' AND NOT l.granted AND l.objsubid = 1
    AND l.classid::text::bigint = (h.k >> 32) & 4294967295 AND l.objid::text::bigint = h.k & 4294967295`;

export async function waitingForBorrowerLock(db: Queryable, borrowerId: string): Promise<number> {
  const { rows } = await db.query(WAITING_SQL, [borrowerId]);
  return rows[0].n as number;
}

/**
 * The personal-data access log (append-only, migration 031): one row per view or export.
 * Written in the same request as the view, before the data is sent; read by compliance.
 */
import { z } from 'zod';
import type { Caller } from '../identity/roles';
import type { LoggedKind } from '../identity/personal-data';
import type { Queryable } from './pool';

export interface AccessLogEntry {
  caller: Caller;
  kinds: readonly LoggedKind[];
  accountIds: readonly string[];
  via: 'API' | 'CODEC' | 'CLI' | 'EXPORT';
  /** the route or command, as in PERSONAL_DATA_VIEWS */
  purpose: string;
  at?: Date;
}

export async function recordAccess(db: Queryable, e: AccessLogEntry): Promise<void> {
  await db.query(
    `INSERT INTO personal_data_access_log (viewed_at, subject, roles, data_kinds, account_ids, via, purpose) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.at ?? new Date(), e.caller.subject, e.caller.roles, [...new Set(e.kinds)], [...new Set(e.accountIds)], e.via, e.purpose],
  );
}

const logRow = z.object({
  id: z.number().int(),
  viewed_at: z.date(),
  subject: z.string(),
  roles: z.array(z.string()),
  data_kinds: z.array(z.string()),
  account_ids: z.array(z.string()),
  via: z.string(),
  purpose: z.string(),
});

export interface AccessLogView {
  id: number;
  viewedAt: string;
  subject: string;
  roles: string[];
  dataKinds: string[];
  accountIds: string[];
  via: string;
  purpose: string;
}

/** The views of one account (or of everything), newest first. */
export async function readAccessLog(db: Queryable, filter: { accountId?: string; limit: number }): Promise<AccessLogView[]> {
  const { rows } = await db.query(
    `SELECT id, viewed_at, subject, roles, data_kinds, account_ids, via, purpose FROM personal_data_access_log
      WHERE $1::text IS NULL OR account_ids @> ARRAY[$1::text]
      ORDER BY viewed_at DESC, id DESC LIMIT $2`,
    [filter.accountId ?? null, filter.limit],
  );
  return rows.map((row) => {
    const r = logRow.parse(row);
    return { id: r.id, viewedAt: r.viewed_at.toISOString(), subject: r.subject, roles: r.roles, dataKinds: r.data_kinds, accountIds: r.account_ids, via: r.via, purpose: r.purpose };
  });
}

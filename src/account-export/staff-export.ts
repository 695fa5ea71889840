/**
 * A staff member's export of one account (GET /accounts/:id/export, `arrears export`):
 * the export, logged as a view of every kind of personal data before it is handed over
 * (PERSONAL_DATA_VIEWS names the route and the command). LEGAL and COMPLIANCE only
 * (route-roles.ts; the CLI asks for the same roles).
 */
import { recordAccess } from '../db/access-log';
import type { Pool } from '../db/pool';
import { PERSONAL_DATA_VIEWS } from '../identity/personal-data';
import type { Caller } from '../identity/roles';
import { exportAccount, type AccountExport } from './export-account';

export const EXPORT_ROUTE = 'GET /accounts/:accountId/export';
export const EXPORT_COMMAND = 'CLI export';

export async function exportForStaff(pool: Pool, { caller, accountId, via, at = new Date() }: { caller: Caller; accountId: string; via: 'API' | 'CLI'; at?: Date }): Promise<AccountExport> {
  const exported = await exportAccount(pool, accountId, { generatedBy: caller.subject, generatedAt: at });
  const purpose = via === 'API' ? EXPORT_ROUTE : EXPORT_COMMAND;
  await recordAccess(pool, { caller, kinds: PERSONAL_DATA_VIEWS[purpose] ?? [], accountIds: [accountId], via: 'EXPORT', purpose, at });
  return exported;
}

export const exportFileName = (accountId: string, at: Date) => `arrears-export-${accountId}-${at.toISOString().slice(0, 10)}.zip`;

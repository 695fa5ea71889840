/**
 * One account's dispute and court export (issue 15 §4), also the evidence bundle of a legal
 * referral (issue 17 §1): a ZIP of every record in JSON (records/<section>.json), the
 * readable summary (summary.pdf) and manifest.json with the SHA-256 of each. The records are
 * read in one snapshot. The caller logs the view (the export holds personal data).
 */
import { inTransaction, type Pool } from '../db/pool';
import { buildManifest, MANIFEST_NAME, sha256Hex, type ExportFile, type Manifest } from './manifest';
import { readAccountRecords, type ExportSection } from './records';
import { renderSummaryPdf } from './summary-pdf';
import { writeZip } from './zip';

export interface AccountExport {
  zip: Buffer;
  /** the SHA-256 of the whole ZIP (a legal case keeps it) */
  sha256: string;
  manifest: Manifest;
}

export async function exportAccount(pool: Pool, accountId: string, by: { generatedBy: string; generatedAt: Date }): Promise<AccountExport> {
  const records = await inTransaction(pool, async (db) => {
    await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return readAccountRecords(db, accountId);
  });
  const files: ExportFile[] = (Object.keys(records) as ExportSection[]).map((section) => ({ name: `records/${section}.json`, content: Buffer.from(`${JSON.stringify(records[section], null, 2)}\n`) }));
  files.push({ name: 'summary.pdf', content: await renderSummaryPdf({ accountId, ...by }, records) });
  const manifest = buildManifest({ accountId, generatedAt: by.generatedAt.toISOString(), generatedBy: by.generatedBy }, files);
  files.push({ name: MANIFEST_NAME, content: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });
  const zip = await writeZip(files, by.generatedAt);
  return { zip, sha256: sha256Hex(zip), manifest };
}

/**
 * The dispute and court export against the real Postgres (issue 15 §4): one ZIP with every
 * record in JSON, a manifest whose SHA-256 hashes verify (and catch a changed file), and a
 * PDF summary whose first page, rendered to an image, shows the account id to OCR.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from '../db/pool';
import { accountWorkflowId } from '../domain/ids';
import { pay } from '../../test/early-collection-seeds';
import { renderFirstPage } from '../../test/pdf-first-page';
import { isoDateFrom, seedAccount, testPool } from '../../test/support';
import { exportAccount } from './export-account';
import { MANIFEST_NAME, manifestMismatches, manifestSchema } from './manifest';
import { AccountNotFoundForExport, EXPORT_SECTIONS } from './records';
import { readZip } from './zip';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

const NOW = Date.now();
// digits and capitals OCR reads without doubt
const accountIdForOcr = () => `ACC-${String(NOW % 100_000_000).padStart(8, '7')}${Math.floor(Math.random() * 90 + 10)}`;

async function accountWithHistory(): Promise<string> {
  const accountId = await seedAccount(pool, { accountId: accountIdForOcr(), installments: [-40, -10, 20].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount: 50_000 })) });
  const workflowId = accountWorkflowId(accountId);
  await pool.query(
    `INSERT INTO contact_attempts (idempotency_key, account_id, borrower_id, workflow_id, channel, template_id, template_version, rendered_text, status, provider, attempted_at)
     VALUES ($1, $2, $3, $4, 'SMS', 'sms-first-reminder', 1, 'Dear customer, CNY 500.00 was due.', 'SENT', 'outbox', now())`,
    [`contact-${accountId}`, accountId, `B-${accountId}`, workflowId],
  );
  await pool.query(`INSERT INTO stage_transitions (idempotency_key, account_id, workflow_id, run_id, from_stage, to_stage, reason, occurred_at) VALUES ($1, $2, $3, 'run-1', 'SCREENED', 'REMINDING', 'treatment gentle', now())`, [
    `move-${accountId}`,
    accountId,
    workflowId,
  ]);
  await pay(pool, accountId, 20_000, isoDateFrom(NOW, -5));
  return accountId;
}

test('one ZIP: every section in JSON, the PDF, a manifest whose hashes verify; a changed file is caught', async () => {
  const accountId = await accountWithHistory();
  const exported = await exportAccount(pool, accountId, { generatedBy: 'test-compliance', generatedAt: new Date(NOW) });
  const files = await readZip(exported.zip);
  const names = files.map((f) => f.name);
  expect(names).toEqual([...Object.keys(EXPORT_SECTIONS).map((s) => `records/${s}.json`), 'summary.pdf', MANIFEST_NAME]);

  const manifest = manifestSchema.parse(JSON.parse(files.find((f) => f.name === MANIFEST_NAME)!.content.toString('utf8')));
  expect(manifest).toMatchObject({ accountId, generatedBy: 'test-compliance', generatedAt: new Date(NOW).toISOString() });
  expect(manifest.files).toHaveLength(files.length - 1);
  expect(manifestMismatches(manifest, files)).toEqual([]);

  const json = (section: string) => JSON.parse(files.find((f) => f.name === `records/${section}.json`)!.content.toString('utf8')) as Record<string, unknown>[];
  expect(json('contacts')).toEqual([expect.objectContaining({ channel: 'SMS', template_id: 'sms-first-reminder', rendered_text: 'Dear customer, CNY 500.00 was due.' })]);
  expect(json('stageMoves')).toEqual([expect.objectContaining({ from_stage: 'SCREENED', to_stage: 'REMINDING' })]);
  expect(json('payments')).toEqual([expect.objectContaining({ amount: 20_000, reversed_at: null })]);
  expect(json('installments')).toHaveLength(3);
  expect(json('borrower')).toEqual([expect.objectContaining({ full_name: 'Test Borrower' })]);

  const tampered = files.map((f) => (f.name === 'records/payments.json' ? { ...f, content: Buffer.from('[]\n') } : f));
  expect(manifestMismatches(manifest, tampered)).toEqual(['records/payments.json: SHA-256 differs from the manifest']);
  expect(manifestMismatches(manifest, [...files, { name: 'extra.txt', content: Buffer.from('x') }])).toEqual(['extra.txt: in the export, not in the manifest']);
});

test("the PDF's first page, rendered to an image, shows the account id (read by OCR)", async () => {
  const accountId = await accountWithHistory();
  const exported = await exportAccount(pool, accountId, { generatedBy: 'test-legal', generatedAt: new Date(NOW) });
  const pdf = (await readZip(exported.zip)).find((f) => f.name === 'summary.pdf')!;
  const pdfPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'export-')), 'summary.pdf');
  fs.writeFileSync(pdfPath, pdf.content);
  const page = await renderFirstPage(pdfPath);
  expect(fs.statSync(page.png).size).toBeGreaterThan(10_000);
  expect(page.width).toBeGreaterThan(1000);
  // OCR reads the image, not the PDF's text layer: the id is really drawn on the page.
  expect(page.ocrText.replace(/\s+/g, '')).toContain(`Account${accountId}`);
  expect(page.ocrText).toMatch(/Stage moves/);
  expect(page.pdfText).toContain(`Account ${accountId}`);
}, 90_000);

test('an account the loan book does not have is refused', async () => {
  await expect(exportAccount(pool, 'ACC-NOWHERE', { generatedBy: 'x', generatedAt: new Date(NOW) })).rejects.toThrow(AccountNotFoundForExport);
});

/**
 * The field staff commands as staff run them (`arrears` in a child process, on the test
 * Postgres and the Temporal dev server): a collector's day and who may see it, the
 * proposals, the family-contact records, and the refusals of messages before they change
 * anything. The messages reaching a running workflow are in
 * src/api/field-routes.integration.test.ts.
 */
import type { Pool } from '../db/pool';
import { accountWorkflowId } from '../domain/ids';
import { arrearsCli } from '../../test/arrears-cli';
import { seedProposal, seedVisit } from '../../test/field-appointments';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { isoDateFrom, newCodecKeys, seedAccount, testPool } from '../../test/support';

const arrears = arrearsCli(newCodecKeys());
let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool?.end();
});

/** field staff in Shanghai (UTC+8), as the demo's are */
const SHANGHAI = { timeZone: 'Asia/Shanghai' };
const overdue = () => seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -40), amount: 250_000 }] });

describe('appointments', () => {
  test("a collector's day, in their zone, with the addresses; the view is recorded as the CLI's", async () => {
    const collector = await addFieldStaff(pool, 'COLLECTOR', SHANGHAI);
    const accountId = await overdue();
    // 09:30-11:00 on 1 December 2030 in Shanghai (UTC+8)
    const visit = await seedVisit(pool, accountId, { collectorId: collector, startsAt: new Date('2030-12-01T01:30:00Z'), address: '88 Example Avenue, Shanghai' });

    const login = await arrears('login', '--staff', collector);
    const run = await arrears('appointments', '--staff', collector, '--date', '2030-12-01');

    expect(login).toMatchObject({ code: 0, stderr: '', stdout: expect.stringContaining(`Signed in as ${collector} (FIELD_COLLECTOR) until `) });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.split('\n')).toEqual([
      `Visits of ${collector} on 2030-12-01 (Asia/Shanghai):`,
      expect.stringMatching(/^appointment {2}time {9}account\s+role {7}status {5}kind {6}visit {2}report due by {6}address$/),
      expect.stringMatching(new RegExp(`^ +${visit}  09:30-11:00  ${accountId}  COLLECTOR  CONFIRMED  ARRANGED  1      2030-12-03 03:00Z  HOME: 88 Example Avenue, Shanghai$`)),
      '',
    ]);
    const { rows } = await pool.query(`SELECT detail FROM audit_events WHERE kind = 'VISIT_ADDRESS_VIEWED' AND detail->>'appointmentId' = $1`, [String(visit)]);
    expect(rows).toEqual([{ detail: { appointmentId: visit, viewerId: collector, staffId: collector, date: '2030-12-01', via: 'CLI' } }]);
    const log = await pool.query('SELECT subject, roles, data_kinds, via, purpose FROM personal_data_access_log WHERE account_ids @> ARRAY[$1]', [accountId]);
    expect(log.rows).toEqual([{ subject: collector, roles: ['FIELD_COLLECTOR'], data_kinds: ['ADDRESS'], via: 'CLI', purpose: 'CLI appointments' }]);
  });

  test('nobody signed in, or a wrong secret: refused before anything is read', async () => {
    const stranger = arrearsCli(newCodecKeys());
    const collector = await addFieldStaff(pool, 'COLLECTOR', SHANGHAI);

    const unsigned = await stranger('appointments', '--staff', collector, '--date', '2030-12-01');
    const wrongSecret = await stranger('login', '--staff', collector, '--password', 'not-the-secret');

    expect(unsigned).toEqual({ code: 1, stdout: '', stderr: 'arrears: not signed in: run `arrears login --staff <your staff id>` first\n' });
    expect(wrongSecret).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('arrears: sign-in refused') });
  });

  test('another collector may not see it: refused, exit code 1', async () => {
    const collector = await addFieldStaff(pool, 'COLLECTOR', SHANGHAI);
    const colleague = await addFieldStaff(pool, 'COLLECTOR', SHANGHAI);

    await arrears('login', '--staff', colleague);
    const run = await arrears('appointments', '--staff', collector, '--date', '2030-12-01');

    expect(run).toEqual({ code: 1, stdout: '', stderr: `arrears: refused: ${colleague} may not see the appointments of ${collector}: only the staff member themselves or a supervisor\n` });
  });
});

test("proposals: an account's, with their slots", async () => {
  const accountId = await overdue();
  const proposal = await seedProposal(pool, accountId, { proposedAt: new Date('2030-12-01T02:00:00Z'), slots: 2 });

  const run = await arrears('proposals', '--account', accountId);

  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout.split('\n')).toEqual([
    expect.stringMatching(/^appointment {2}account\s+confirm by {9}reached via {2}slots$/),
    expect.stringMatching(new RegExp(`^ +${proposal}  ${accountId}  2030-12-04 02:00Z  SMS {10}s1 2030-12-02 02:00Z, s2 2030-12-03 02:00Z$`)),
    '',
  ]);
});

describe('family-contact', () => {
  test('add, consent, verify and withdraw-consent write the records; the name and number are stored apart and never printed', async () => {
    const accountId = await overdue();
    const borrowerId = `B-${accountId}`;

    const added = await arrears('family-contact', 'add', '--borrower', borrowerId, '--relation', 'SIBLING', '--source', 'LOAN_APPLICATION', '--name', 'Zhou Min', '--phone', '+8613900000042');
    const id = Number(/^Family contact (\d+) added/.exec(added.stdout)?.[1]);
    const consented = await arrears('family-contact', 'consent', '--borrower', borrowerId, '--contact', String(id), '--form', 'WRITTEN', '--purpose', 'Call-back requests', '--given-at', '2026-01-05T10:00:00+08:00');
    const consentId = Number(/^Consent (\d+) recorded/.exec(consented.stdout)?.[1]);
    const verified = await arrears('family-contact', 'verify', String(id), '--method', 'CALL', '--by', 'agent-01', '--at', '2026-01-06T10:00:00+08:00');
    const withdrawn = await arrears('family-contact', 'withdraw-consent', String(consentId), '--at', '2026-11-20T09:00:00Z');

    expect([added, consented, verified, withdrawn]).toEqual([
      { code: 0, stderr: '', stdout: `Family contact ${id} added for borrower ${borrowerId} (SIBLING, from LOAN_APPLICATION); not used until verified: arrears family-contact verify ${id}.\n` },
      { code: 0, stderr: '', stdout: `Consent ${consentId} recorded for borrower ${borrowerId}: family contact ${id}, WRITTEN, given 2026-01-05T02:00:00.000Z.\n` },
      { code: 0, stderr: '', stdout: `Family contact ${id} is verified since 2026-01-06T02:00:00.000Z.\n` },
      { code: 0, stderr: '', stdout: `Consent ${consentId} stands withdrawn from 2026-11-20T09:00:00.000Z.\n` },
    ]);
    const contact = await pool.query(
      `SELECT f.borrower_id, f.relation, f.source, f.verification_method, f.verified_by, p.full_name, p.phone
         FROM family_contacts f JOIN family_contact_personal_data p ON p.family_contact_id = f.id WHERE f.id = $1`,
      [id],
    );
    expect(contact.rows).toEqual([{ borrower_id: borrowerId, relation: 'SIBLING', source: 'LOAN_APPLICATION', verification_method: 'CALL', verified_by: 'agent-01', full_name: 'Zhou Min', phone: '+8613900000042' }]);
    const consent = await pool.query('SELECT family_contact_id, form, purpose, given_at, withdrawn_at FROM contact_consents WHERE id = $1', [consentId]);
    expect(consent.rows).toEqual([
      { family_contact_id: id, form: 'WRITTEN', purpose: 'Call-back requests', given_at: new Date('2026-01-05T02:00:00Z'), withdrawn_at: new Date('2026-11-20T09:00:00Z') },
    ]);
  });

  test('an unknown borrower is refused, exit code 1, nothing written', async () => {
    const borrowerId = `NO-SUCH-${Date.now()}`;
    const run = await arrears('family-contact', 'add', '--borrower', borrowerId, '--relation', 'PARENT', '--source', 'BORROWER_UPDATE', '--name', 'Nobody', '--phone', '+8613900000043');
    expect(run).toEqual({ code: 1, stdout: '', stderr: `arrears: refused: no borrower ${borrowerId}\n` });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM family_contacts WHERE borrower_id = $1', [borrowerId]);
    expect(rows[0].n).toBe(0);
  });
});

describe('messages refused before they change anything', () => {
  test('visit-report with a bad file: every problem named, exit code 1, nothing sent', async () => {
    const run = await arrears('visit-report', '1', '--file', 'package.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n');
    // the ten parts of a report missing, and the file's own keys not a report's
    expect(lines[0]).toBe('arrears: package.json: the report has 11 problems; nothing was sent:');
    expect(lines.slice(1, 12).map((line) => line.split(':')[0]?.trim())).toEqual([
      'submittedBy',
      'visitedAt',
      'addressVisited',
      'credentialsShown',
      'identity',
      'documents',
      'interview',
      'consent',
      'assessment',
      'recommendation',
      '(report)',
    ]);
    expect(lines[11]).toContain('Unrecognized keys: "name", "version"');
  });

  test("confirm-appointment for an account whose workflow is not running: refused, exit code 1, the appointment still PROPOSED", async () => {
    const accountId = await overdue();
    const proposal = await seedProposal(pool, accountId);

    await arrears('login', '--staff', 'test-agent');
    const run = await arrears('confirm-appointment', String(proposal), '--slot', 's1', '--address-kind', 'HOME', '--by', 'BORROWER', '--channel', 'SMS');

    expect(run).toEqual({ code: 1, stdout: '', stderr: `arrears: refused: no running collection workflow for account ${accountId} (${accountWorkflowId(accountId)})\n` });
    const { rows } = await pool.query('SELECT status FROM appointments WHERE id = $1', [proposal]);
    expect(rows[0].status).toBe('PROPOSED');
  });

  test('override-stage: a bad stage is named; an unknown account refused', async () => {
    await arrears('login', '--staff', 'test-supervisor');
    const badStage = await arrears('override-stage', 'DEMO-A00001', '--to', 'CURED', '--reason', 'reminders already exhausted');
    const unknown = await arrears('override-stage', 'NO-SUCH-ACCOUNT', '--to', 'VISIT', '--reason', 'reminders already exhausted');
    const forSomeoneElse = await arrears('override-stage', 'NO-SUCH-ACCOUNT', '--to', 'VISIT', '--by', 'supervisor-01', '--reason', 'reminders already exhausted');
    expect(badStage).toEqual({ code: 1, stdout: '', stderr: 'arrears: --to: Invalid option: expected one of "APPOINTMENT"|"VISIT"|"NEGOTIATION"|"LEGAL"\n' });
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'arrears: refused: account NO-SUCH-ACCOUNT is not in the loan book\n' });
    expect(forSomeoneElse).toEqual({ code: 1, stdout: '', stderr: 'arrears: --by must be you (test-supervisor): you are signed in as them (arrears login)\n' });
  });
});

/**
 * How the field staff commands read their arguments, before anything is sent: the
 * confirmation's flags, the visit report file, whose every problem is named by its path
 * (never with its value), and the family-contact records' flags. What the commands send and
 * write is field-commands.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { appointmentIdOf, confirmationOf, consentWithdrawalOf, newConsentOf, newFamilyContactOf, verificationOf, visitReportFromFile } from './field-arguments';

const EXAMPLE = path.join(PROJECT_ROOT, 'examples/visit-report.json');
const dir = mkdtempSync(path.join(tmpdir(), 'visit-report-'));
const fileWith = (name: string, content: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};
const example = () => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>>;
const problemsOf = (read: () => unknown) => {
  try {
    read();
  } catch (err) {
    return (err as Error).message.split('\n');
  }
  throw new Error('no problem found');
};

describe('confirm-appointment', () => {
  const options = { slot: 's2', addressKind: 'WORKPLACE', by: 'agent-01', channel: 'CALL' };

  test('the flags become the update', () => {
    expect(confirmationOf(17, { ...options, address: '88 Example Avenue, Shanghai' })).toEqual({
      appointmentId: 17,
      slotId: 's2',
      address: { kind: 'WORKPLACE', text: '88 Example Avenue, Shanghai' },
      confirmedBy: 'agent-01',
      channel: 'CALL',
    });
    expect(confirmationOf(17, { ...options, by: 'BORROWER' })).toEqual({ appointmentId: 17, slotId: 's2', address: { kind: 'WORKPLACE' }, confirmedBy: 'BORROWER', channel: 'CALL' });
  });

  test('every bad flag is named', () => {
    expect(() => confirmationOf(17, { slot: 'first', addressKind: 'OFFICE', address: 'x', by: 'agent 01', channel: 'FAX' })).toThrow(
      [
        '--slot: a proposed slot id such as s1',
        '--address-kind: Invalid option: expected one of "HOME"|"WORKPLACE"',
        '--address: Too small: expected string to have >=5 characters',
        '--by: a staff id such as agent-01',
        '--channel: Invalid option: expected one of "CALL"|"SMS"|"EMAIL"|"IN_PERSON"|"WEB"|"OTHER"',
      ].join('; '),
    );
  });

  test.each(['0', '-3', 'seventeen', '1.5'])('appointment %s is refused, named', (raw) => {
    expect(() => appointmentIdOf(raw)).toThrow('<appointmentId>: an appointment number');
  });
});

describe('visit-report --file', () => {
  test('examples/visit-report.json is a complete, valid report', () => {
    const report = visitReportFromFile(EXAMPLE, 17);
    expect(report).toMatchObject({ appointmentId: 17, submittedBy: 'collector-01', credentialsShown: true, recommendation: { action: 'PLAN' } });
    expect(Object.keys(report.documents).sort()).toEqual(['householdRegister', 'idCard', 'loanContract', 'marriageCertificate', 'proofOfAssets', 'proofOfIncome']);
  });

  test('every missing or wrong part is named by its path, without its value', () => {
    const r = example();
    delete r.documents!.marriageCertificate;
    delete r.interview!.occupation;
    r.assessment!.abilityToPay = 7;
    r.identity = { checked: true, method: 'FINGERPRINT' };
    r.appointmentId = 99 as never;

    const problems = problemsOf(() => visitReportFromFile(fileWith('bad.json', JSON.stringify(r)), 17));

    expect(problems).toEqual([
      `${path.join(dir, 'bad.json')}: the report has 5 problems; nothing was sent:`,
      '  appointmentId: leave it out of the file: the command names the appointment',
      '  identity.method: Invalid option: expected one of "ID_CARD"|"PASSPORT"|"OTHER_PHOTO_ID"',
      '  documents.marriageCertificate: missing',
      '  interview.occupation: missing',
      '  assessment.abilityToPay: 1 (none) to 5 (full)',
    ]);
    expect(problems.join('\n')).not.toContain('Warehouse');
  });

  test("the cross-part rules: an identity checked names how; the consent covers what was collected", () => {
    const r = example();
    r.identity = { checked: true };
    r.consent = { form: 'VERBAL_RECORDED', covers: ['PHOTOS'] };

    expect(problemsOf(() => visitReportFromFile(fileWith('consent.json', JSON.stringify(r)), 17)).slice(1)).toEqual([
      '  identity.method: missing: how the identity was checked',
      '  consent.covers: the interview is recorded only with consent: INTERVIEW_ANSWERS must be covered',
      '  consent.covers: monthly income and outgoings are recorded only with consent: INCOME_FIGURES must be covered',
    ]);
  });

  test.each([
    ['not JSON', 'broken.json', '{"submittedBy": ', /^--file: .*broken\.json is not JSON: /],
    ['not an object', 'list.json', '[]', /^--file: .*list\.json holds no report: a JSON object such as examples\/visit-report\.json$/],
  ])('a file %s is refused', (_, name, content, message) => {
    expect(() => visitReportFromFile(fileWith(name, content), 17)).toThrow(message);
  });

  test('a file that is not there is named', () => {
    expect(() => visitReportFromFile(path.join(dir, 'missing.json'), 17)).toThrow(`--file: cannot read ${path.join(dir, 'missing.json')} (ENOENT)`);
  });
});

describe('family-contact', () => {
  test('add: the flags become the record; OTHER_LAWFUL needs its note; a bad phone is named, not echoed', () => {
    const add = { borrower: 'DEMO-B00007', relation: 'SPOUSE', source: 'LOAN_APPLICATION', name: 'Li Na', phone: '+8613900000007' };
    expect(newFamilyContactOf(add)).toEqual({ borrowerId: 'DEMO-B00007', relation: 'SPOUSE', source: 'LOAN_APPLICATION', fullName: 'Li Na', phone: '+8613900000007' });
    expect(() => newFamilyContactOf({ ...add, source: 'OTHER_LAWFUL' })).toThrow('--source-note: OTHER_LAWFUL needs a note naming the lawful source');
    expect(() => newFamilyContactOf({ ...add, relation: 'NEIGHBOUR', phone: '13900000007' })).toThrow(
      '--relation: Invalid option: expected one of "SPOUSE"|"PARENT"|"CHILD"|"SIBLING"|"OTHER_RELATIVE"; --phone: an international phone number such as +8613800000000',
    );
  });

  test('consent: one contact or every one; when given (default now)', () => {
    const consent = { borrower: 'DEMO-B00007', form: 'E_SIGNATURE', purpose: 'Call-back requests about my loan', givenAt: '2026-03-01T10:00:00+08:00' };
    expect(newConsentOf({ ...consent, contact: '12', documentRef: 'esign-4411' })).toEqual({
      borrowerId: 'DEMO-B00007',
      familyContactId: 12,
      form: 'E_SIGNATURE',
      purpose: 'Call-back requests about my loan',
      documentRef: 'esign-4411',
      givenAt: new Date('2026-03-01T02:00:00Z'),
    });
    const before = Date.now();
    const { familyContactId, givenAt } = newConsentOf({ borrower: 'DEMO-B00007', form: 'WRITTEN', purpose: 'Contact form at signing' });
    expect(familyContactId).toBeNull();
    expect(givenAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(() => newConsentOf({ ...consent, form: 'VERBAL', contact: 'twelve' })).toThrow('--contact: a family contact number');
    expect(() => newConsentOf({ ...consent, form: 'VERBAL', givenAt: '2026-03-01' })).toThrow('--given-at: an ISO date-time with its offset, such as 2026-11-23T10:00:00+08:00');
    expect(() => newConsentOf({ ...consent, form: 'VERBAL' })).toThrow('--form: Invalid option: expected one of "WRITTEN"|"E_SIGNATURE"');
  });

  test('withdraw-consent and verify: the record by its number, when, and by whom', () => {
    expect(consentWithdrawalOf('7', { at: '2026-11-20T09:00:00Z' })).toEqual({ consentId: 7, at: new Date('2026-11-20T09:00:00Z') });
    expect(() => consentWithdrawalOf('x', {})).toThrow('<consentId>: a consent number');
    expect(verificationOf('12', { method: 'CALL', by: 'agent-01', at: '2026-11-20T09:00:00+08:00' })).toEqual({
      familyContactId: 12,
      method: 'CALL',
      verifiedBy: 'agent-01',
      at: new Date('2026-11-20T01:00:00Z'),
    });
    expect(() => verificationOf('12', { method: 'LETTER', by: 'agent 01' })).toThrow('--method: Invalid option: expected one of "SMS"|"CALL"; --by: a staff id such as agent-01');
  });
});

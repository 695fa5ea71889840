import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DEFAULT_CONTACT_POLICY_CONFIG_PATH, loadContactPolicyConfig, parseContactPolicyConfig } from './config';
import { CN_PRESET, US_PRESET } from './presets';
import { silentLog } from './test-policies';

const config = (jurisdictions: Record<string, unknown>) => ({ version: 'bank-2026.2', defaultJurisdiction: 'CN', jurisdictions });

function refusal(raw: unknown): string {
  try {
    parseContactPolicyConfig(raw, 'test.json', silentLog);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the config was accepted');
}

test('the shipped config/contact-policy.json is valid, versioned, and the presets as they are', () => {
  const set = loadContactPolicyConfig(DEFAULT_CONTACT_POLICY_CONFIG_PATH, silentLog);
  expect(set.version).toMatch(/\S/);
  expect(set.defaultJurisdiction).toBe('CN');
  expect(set.policies.CN.figures.CONNECTED_CALLS_PER_DAY).toBe(3);
  expect(set.policies.US.figures.CALLS_PER_WINDOW).toBe(7);
});

test('every legal figure of a preset names its source', () => {
  for (const preset of [CN_PRESET, US_PRESET]) {
    for (const figure of Object.values(preset.figures)) expect(figure.source).toMatch(/\S/);
  }
  expect(CN_PRESET.figures.SMS_PER_DAY).toMatchObject({ legal: false, source: expect.stringContaining('not law') });
});

test('tightening any figure is taken', () => {
  const set = parseContactPolicyConfig(
    config({
      CN: { figures: { CONTACT_HOURS_START: '09:00', CONTACT_HOURS_END: '20:30', CONNECTED_CALLS_PER_DAY: 2, UNANSWERED_CALLS_PER_NUMBER_PER_DAY: 4, CALLS_PER_DAY: 5 } },
      US: { figures: { CALLS_PER_WINDOW: 5, WINDOW_DAYS: 10, QUIET_DAYS_AFTER_CONVERSATION: 8, SMS_PER_DAY: 1 } },
    }),
    'test.json',
    silentLog,
  );
  expect(set.policies.CN.figures).toMatchObject({ CONTACT_HOURS_START: 540, CONTACT_HOURS_END: 1230, CONNECTED_CALLS_PER_DAY: 2, UNANSWERED_CALLS_PER_NUMBER_PER_DAY: 4, CALLS_PER_DAY: 5 });
  expect(set.policies.US.figures).toMatchObject({ CALLS_PER_WINDOW: 5, WINDOW_DAYS: 10, QUIET_DAYS_AFTER_CONVERSATION: 8, SMS_PER_DAY: 1 });
  expect(set.policies.CN.sources.CONNECTED_CALLS_PER_DAY).toContain('bank config bank-2026.2');
});

test('loosening a legal floor is refused, each figure named', () => {
  const message = refusal(
    config({
      CN: { figures: { CONTACT_HOURS_START: '07:30', CONNECTED_CALLS_PER_DAY: 4, UNANSWERED_CALLS_PER_NUMBER_PER_DAY: null } },
      US: { figures: { CONTACT_HOURS_END: '21:30', CALLS_PER_WINDOW: 8, WINDOW_DAYS: 6, QUIET_DAYS_AFTER_CONVERSATION: 3 } },
    }),
  );
  expect(message).toContain('test.json is refused');
  expect(message).toContain('jurisdictions.CN.CONTACT_HOURS_START: 07:30 loosens the CN legal floor of 08:00');
  expect(message).toContain('jurisdictions.CN.CONNECTED_CALLS_PER_DAY: 4 loosens the CN legal floor of 3');
  expect(message).toContain('jurisdictions.CN.UNANSWERED_CALLS_PER_NUMBER_PER_DAY: no limit loosens the CN legal floor of 6');
  expect(message).toContain('jurisdictions.US.CONTACT_HOURS_END: 21:30 loosens the US legal floor of 21:00');
  expect(message).toContain('jurisdictions.US.CALLS_PER_WINDOW: 8 loosens');
  expect(message).toContain('jurisdictions.US.WINDOW_DAYS: 6 loosens');
  expect(message).toContain('jurisdictions.US.QUIET_DAYS_AFTER_CONVERSATION: 3 loosens');
  expect(message).toContain('only an override entry { rule, value, reason, approvedBy }');
});

test('a figure that is bank policy, not law, may be loosened', () => {
  const set = parseContactPolicyConfig(config({ CN: { figures: { SMS_PER_DAY: 4, EMAILS_PER_DAY: null } } }), 'test.json', silentLog);
  expect(set.policies.CN.figures.SMS_PER_DAY).toBe(4);
  expect(set.policies.CN.figures.EMAILS_PER_DAY).toBeNull();
});

test('an explicit override loosens a legal floor and is logged at load', () => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const override = { rule: 'CALLS_PER_WINDOW', value: 8, reason: 'counsel opinion 2026-14: the eighth call is to a new number', approvedBy: 'compliance-officer-7' };
  const set = parseContactPolicyConfig(config({ US: { overrides: [override] } }), 'test.json', log);
  expect(set.policies.US.figures.CALLS_PER_WINDOW).toBe(8);
  expect(set.policies.US.sources.CALLS_PER_WINDOW).toContain('override approved by compliance-officer-7');
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(logged).toEqual([
    expect.objectContaining({ level: 40, configVersion: 'bank-2026.2', jurisdiction: 'US', rule: 'CALLS_PER_WINDOW', presetValue: 7, value: 8, approvedBy: 'compliance-officer-7' }),
  ]);
});

test('an override needs a reason and an approver, and a figure is set in one place', () => {
  expect(refusal(config({ US: { overrides: [{ rule: 'CALLS_PER_WINDOW', value: 8 }] } }))).toMatch(/overrides\.0\.reason[\s\S]*overrides\.0\.approvedBy/);
  const both = { figures: { CALLS_PER_WINDOW: 6 }, overrides: [{ rule: 'CALLS_PER_WINDOW', value: 8, reason: 'a reason long enough', approvedBy: 'x' }] };
  expect(refusal(config({ US: both }))).toContain('jurisdictions.US.CALLS_PER_WINDOW: set both as a figure and as an override');
});

test('bad shapes are refused: unknown figure, bad time, hours that end before they start', () => {
  expect(refusal(config({ CN: { figures: { CALLS_PER_WEEK: 3 } } }))).toContain('test.json is invalid');
  expect(refusal(config({ CN: { figures: { CONTACT_HOURS_END: '25:00' } } }))).toContain('a time of day "HH:MM"');
  expect(refusal(config({ XX: {} }))).toContain('test.json is invalid');
  expect(refusal(config({ CN: { figures: { CONTACT_HOURS_START: '21:00', CONTACT_HOURS_END: '20:00' } } }))).toContain('jurisdictions.CN: contact hours must start before they end');
});

test('an unreadable file says which file', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contact-policy-')), 'contact-policy.json');
  fs.writeFileSync(file, '{ not json');
  expect(() => loadContactPolicyConfig(file, silentLog)).toThrow(`cannot read the contact policy config ${file}`);
});

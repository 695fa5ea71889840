import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SCREENING_CONFIG_PATH, loadScreeningConfig, parseScreeningConfig } from './config';

test('the shipped config/screening.json is valid and versioned', () => {
  const config = loadScreeningConfig(DEFAULT_SCREENING_CONFIG_PATH);
  expect(config.version).toMatch(/\S/);
  expect(config.riskTiers.map((r) => r.tier)).toEqual(['HIGH', 'MEDIUM']);
});

test('a bad config is refused with every wrong field named', () => {
  const bad = {
    version: '',
    riskTiers: [
      { tier: 'HIGH', anyOf: { daysPastDueAtLeast: -1 } },
      { tier: 'high', anyOf: {} },
    ],
    defaultTier: 'HIGH',
    priority: { amountWeight: 1, daysPastDueWeight: 1, daysPastDueCap: 0, tierWeights: {} },
    extra: true,
  };
  let message = '';
  try {
    parseScreeningConfig(bad, 'test.json');
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toContain('test.json is invalid');
  for (const field of ['version', 'riskTiers.0.anyOf.daysPastDueAtLeast', 'riskTiers.1.tier', 'riskTiers.1.anyOf', 'priority.daysPastDueCap', '(root)']) {
    expect(message).toContain(`${field}:`);
  }
});

test('every tier needs a weight and a tier is named once', () => {
  const base = {
    version: 'v',
    riskTiers: [{ tier: 'HIGH', anyOf: { daysPastDueAtLeast: 90 } }],
    defaultTier: 'LOW',
    priority: { amountWeight: 1, daysPastDueWeight: 1, daysPastDueCap: 30, tierWeights: { HIGH: 1 } },
  };
  expect(() => parseScreeningConfig(base)).toThrow('priority.tierWeights.LOW: every tier needs a weight');
  expect(() => parseScreeningConfig({ ...base, defaultTier: 'HIGH' })).toThrow('each tier is named once');
  expect(() => parseScreeningConfig({ ...base, defaultTier: 'UNRATED' })).toThrow('UNRATED is reserved');
});

test('an unreadable file says which file', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'screening-config-')), 'screening.json');
  fs.writeFileSync(file, '{ not json');
  expect(() => loadScreeningConfig(file)).toThrow(`cannot read the screening config ${file}`);
});

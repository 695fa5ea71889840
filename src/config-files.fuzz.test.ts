/**
 * Issue 19 §2: every configuration loader — the environment (config.ts) and each file under
 * config/ — given hostile values: it returns a configuration or throws its own error naming
 * the source (never a TypeError from deep inside), and no message repeats the value (a
 * DATABASE_URL carries a password, a codec key is a secret).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { configSchema, parseConfig } from './config';
import { parseContactPolicyConfig } from './contact-policy/config';
import { loadCollectionCosts, parseCollectionCosts } from './effectiveness/costs';
import { loadFieldCollectionConfig, parseFieldCollectionConfig } from './field-collection/load';
import { createLogger } from './logger';
import { parseNegotiationConfig } from './negotiation/schema';
import { PROJECT_ROOT } from './paths';
import { loadScreeningConfig, parseScreeningConfig } from './screening/config';
import { parseExperiments } from './treatments/experiments';
import { loadTreatments } from './treatments/load';
import { parseTreatments } from './treatments/schema';
import { fuzzRuns, hostileValue, oneFieldBroken, personalStringsIn, personalValue, trickyString } from '../test/fuzz';

const configFile = (name: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', name), 'utf8')) as object;
const quiet = createLogger('silent');

/** Each file's parser, its real file (the fuzz breaks one field of it) and the words its errors start with. */
const FILES: [string, (raw: unknown) => unknown][] = [
  ['screening.json', (raw) => parseScreeningConfig(raw, 'screening.json')],
  ['treatments.json', (raw) => parseTreatments(raw, 'treatments.json')],
  ['experiments.json', (raw) => parseExperiments(raw, 'experiments.json', parseTreatments(configFile('treatments.json'), 'treatments.json'))],
  ['field-collection.json', (raw) => parseFieldCollectionConfig(raw, 'field-collection.json')],
  ['contact-policy.json', (raw) => parseContactPolicyConfig(raw, 'contact-policy.json', quiet)],
  ['negotiation.json', (raw) => parseNegotiationConfig(raw, 'negotiation.json')],
  ['collection-costs.json', (raw) => parseCollectionCosts(raw, 'collection-costs.json')],
];

function outcomeOf(parse: () => unknown): { ok: true } | { ok: false; kind: string; message: string } {
  try {
    parse();
    return { ok: true };
  } catch (err) {
    return { ok: false, kind: err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError || !(err instanceof Error) ? 'a crash' : 'its own error', message: String((err as Error).message) };
  }
}

describe.each(FILES)('config/%s', (name, parse) => {
  test('the real file parses', () => {
    expect(outcomeOf(() => parse(configFile(name)))).toEqual({ ok: true });
  });

  test('one field broken, or any hostile value: a configuration or its own error naming the file, never repeating the value', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: oneFieldBroken(configFile(name)) }, { weight: 1, arbitrary: hostileValue }), (raw) => {
        const outcome = outcomeOf(() => parse(raw));
        if (outcome.ok) return;
        expect({ kind: outcome.kind, names: outcome.message.includes(name) }).toEqual({ kind: 'its own error', names: true });
        expect(personalStringsIn(raw).filter((v) => outcome.message.includes(v))).toEqual([]);
      }),
      { numRuns: fuzzRuns(40) },
    );
  });
});

test('a config file that is no JSON: the loader names the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-fuzz-'));
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), personalValue.map((v) => `{"name": "${v}`)), (content) => {
      const file = path.join(dir, 'broken.json');
      writeFileSync(file, content);
      for (const load of [loadScreeningConfig, loadTreatments, loadFieldCollectionConfig, loadCollectionCosts]) {
        const outcome = outcomeOf(() => load(file));
        if (!outcome.ok) expect({ kind: outcome.kind, names: outcome.message.includes(file) }).toEqual({ kind: 'its own error', names: true });
      }
    }),
    { numRuns: fuzzRuns(20) },
  );
});

describe('the environment (config.ts)', () => {
  const keys = Object.keys(configSchema.shape);

  test('any variable set to a hostile value: a configuration or a ConfigError naming the variable, never repeating the value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), fc.oneof(trickyString, personalValue, fc.constantFrom('postgres://u:s3cret-pw-1234@h/db', 'not-base64-key 1234')), { minKeys: 1, maxKeys: 4 }), (vars) => {
        const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.replaceAll('\u0000', '')]));
        const outcome = outcomeOf(() => parseConfig(env));
        if (outcome.ok) return;
        expect(outcome.kind).toBe('its own error');
        expect(Object.keys(env).some((k) => outcome.message.includes(k))).toBe(true);
        const secrets = Object.values(env).filter((v) => v.length >= 6 && !keys.some((k) => k.includes(v)) && !/^(true|false|info|debug|warn|error|silent|fatal|trace)$/i.test(v));
        expect(secrets.filter((v) => outcome.message.includes(v))).toEqual([]);
      }),
      { numRuns: fuzzRuns(100) },
    );
  });
});

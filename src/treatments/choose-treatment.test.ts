import treatmentsJson from '../../config/treatments.json';
import { configVariant, tempConfigFile } from '../../test/config-files';
import { chooseTreatment, type Segment } from './choose-treatment';
import { DEFAULT_TREATMENTS_PATH, loadTreatments } from './load';
import { parseTreatments, TreatmentsConfigError } from './schema';

const config = loadTreatments();
const base: Segment = { bucket: '1-30', riskTier: 'MEDIUM', onTimeRatio: 0.85, brokenPromises: 0, refusedToPay: false };

describe('config/treatments.json', () => {
  it('validates, with the four treatments, its version, and the promise and call settings', () => {
    expect(config.version).toBe('2026.2');
    expect(Object.keys(config.treatments).sort()).toEqual(['fast', 'gentle', 'standard', 'strong']);
    expect(config.promises).toEqual({ horizonDays: 30, graceDays: 2 });
    expect(config.calls).toEqual({ windowHours: 24 });
  });

  it('standard keeps the day 0 and day 3 SMS of standard v1 and adds call, e-mail and a last SMS', () => {
    expect(config.treatments.standard?.steps.map((s) => `${s.channel}@${s.dayOffset}:${s.templateId}`)).toEqual([
      'SMS@0:sms-first-reminder',
      'CALL@2:call-reminder',
      'SMS@3:sms-second-reminder',
      'EMAIL@5:email-reminder',
      'SMS@9:sms-urgent-reminder',
    ]);
  });

  it('is the same data the workflow gets by importing the JSON', () => {
    expect(parseTreatments(treatmentsJson)).toEqual(config);
  });
});

describe('chooseTreatment', () => {
  it.each<[string, Partial<Segment>, string, number | null]>([
    ['short lateness, LOW tier, good record → gentle', { riskTier: 'LOW', onTimeRatio: 0.95 }, 'gentle', 2],
    ['LOW tier but on-time ratio 0.85 (< 0.9) → standard', { riskTier: 'LOW' }, 'standard', null],
    ['LOW tier, no installment due before (no ratio) → standard', { riskTier: 'LOW', onTimeRatio: null }, 'standard', null],
    ['1-30, MEDIUM → standard (default)', {}, 'standard', null],
    ['31-60 → fast', { bucket: '31-60' }, 'fast', 1],
    ['HIGH tier in 1-30 → fast', { riskTier: 'HIGH' }, 'fast', 1],
    ['on-time ratio 0.4 → fast', { onTimeRatio: 0.4 }, 'fast', 1],
    ['one broken promise → not gentle, standard', { riskTier: 'LOW', onTimeRatio: 0.95, brokenPromises: 1 }, 'standard', null],
    ['two broken promises → strong', { brokenPromises: 2 }, 'strong', 0],
    ['a refusal, even gentle-looking → strong', { riskTier: 'LOW', onTimeRatio: 1, refusedToPay: true }, 'strong', 0],
    ['180+ with a refusal → strong (wilful default is tried first)', { bucket: '180+', refusedToPay: true }, 'strong', 0],
  ])('%s', (_name, overrides, expected, ruleIndex) => {
    const chosen = chooseTreatment({ ...base, ...overrides }, config);
    expect(chosen).toMatchObject({ treatmentId: expected, configVersion: '2026.2', ruleIndex });
    expect(chosen.treatment).toBe(config.treatments[expected]);
  });
});

describe('a bad treatments file', () => {
  /** The shipped file as plain JSON, edited freely by each case. */
  type Json = { treatments: Record<string, { steps: Record<string, unknown>[] }>; rules: Record<string, unknown>[] };
  const loadVariant = (edit: (cfg: Json) => void) => {
    const file = configVariant(DEFAULT_TREATMENTS_PATH, edit);
    return () => loadTreatments(file);
  };

  it('is refused with the path of the wrong channel', () => {
    const load = loadVariant((cfg) => {
      cfg.treatments.gentle!.steps[1]!.channel = 'FAX';
    });
    expect(load).toThrow(TreatmentsConfigError);
    expect(load).toThrow(/treatments\.gentle\.steps\.1\.channel/);
  });

  it('is refused when steps go back in time, naming the step', () => {
    const load = loadVariant((cfg) => {
      cfg.treatments.fast!.steps[2]!.dayOffset = 0;
    });
    expect(load).toThrow(/treatments\.fast\.steps\.2\.dayOffset: steps are ordered by day offset/);
  });

  it('is refused when a rule names a treatment that does not exist', () => {
    const load = loadVariant((cfg) => {
      cfg.rules[1]!.treatment = 'harsh';
    });
    expect(load).toThrow(/rules\.1\.treatment: no treatment named harsh/);
  });

  it('is refused without the promise settings, or with a call window of zero hours', () => {
    const load = loadVariant((cfg) => {
      delete (cfg as Partial<Json> & { promises?: unknown }).promises;
      (cfg as Json & { calls: { windowHours: number } }).calls.windowHours = 0;
    });
    expect(load).toThrow(/promises: /);
    expect(load).toThrow(/calls\.windowHours: /);
  });

  it('is refused with the file name when it is not JSON', () => {
    const file = tempConfigFile('broken.json', '{ "version": ');
    expect(() => loadTreatments(file)).toThrow(new RegExp(`Cannot read ${file}`));
  });
});

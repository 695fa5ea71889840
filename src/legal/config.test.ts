/**
 * config/legal.json: the shipped file validates, and a wrong one is refused with the path
 * of every wrong value and the file's name.
 */
import legalJson from '../../config/legal.json';
import { configVariant } from '../../test/config-files';
import { DEFAULT_LEGAL_PATH, loadLegalConfig } from './load';
import { LegalConfigError, parseLegalConfig } from './schema';

const config = loadLegalConfig();

describe('config/legal.json', () => {
  test('validates, with its version and the presets the docs name', () => {
    expect(config.version).toBe('2026.1');
    expect(config.chargeOff.presets.US.daysPastDue).toEqual({ CREDIT_CARD: 180, LOAN: 120 });
    expect(config.chargeOff.presets.CN.daysPastDue).toEqual({ CREDIT_CARD: 360, LOAN: 360 });
    expect(config.legalCosts.CN.currency).toBe('CNY');
    expect(config.agency.agencies.map((a) => a.id)).toEqual(['north-star-recoveries', 'harbor-collections']);
    expect(config.whenLegalDoesNotPay.prefer).toBe('AGENCY');
  });

  test('is the same data the workflow gets by importing the JSON', () => {
    expect(parseLegalConfig(legalJson)).toEqual(config);
  });
});

describe('a bad legal file', () => {
  type Json = Record<string, Record<string, unknown>>;
  const loadVariant = (edit: (cfg: Json) => void) => {
    const file = configVariant(DEFAULT_LEGAL_PATH, edit);
    return () => loadLegalConfig(file);
  };

  test('a US preset looser than the FFIEC policy is refused', () => {
    const load = loadVariant((cfg) => {
      ((cfg.chargeOff!.presets as Json).US!.daysPastDue as Record<string, number>).LOAN = 150;
    });
    expect(load).toThrow(LegalConfigError);
    expect(load).toThrow(/chargeOff\.presets\.US\.daysPastDue\.LOAN: at most 120 \(FFIEC/);
  });

  test('bands that do not rise, or a ceiling on the last band, are named by their paths', () => {
    const load = loadVariant((cfg) => {
      const bands = (cfg.legalCosts!.CN as { bands: { upTo: string | null }[] }).bands;
      bands[1]!.upTo = '5000.00';
      bands[4]!.upTo = '900000.00';
    });
    expect(load).toThrow(/legalCosts\.CN\.bands\.1\.upTo: bands rise/);
    expect(load).toThrow(/legalCosts\.CN\.bands\.4\.upTo: the last band has no ceiling/);
  });

  test('a commission above 1, an agency named twice and a file that is not JSON are refused', () => {
    const load = loadVariant((cfg) => {
      const agencies = cfg.agency!.agencies as Record<string, unknown>[];
      agencies[0]!.commissionRate = 1.2;
      agencies[1]!.id = agencies[0]!.id;
    });
    expect(load).toThrow(/agency\.agencies\.0\.commissionRate: a share from 0 to 1/);
    expect(load).toThrow(/agency\.agencies\.1\.id: agency north-star-recoveries is named twice/);
    expect(() => loadLegalConfig('/nonexistent/legal.json')).toThrow(/Cannot read \/nonexistent\/legal\.json/);
  });
});

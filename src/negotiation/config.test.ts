/**
 * config/negotiation.json: the shipped file validates, and a wrong one is refused with the
 * path of every wrong value and the file's name.
 */
import negotiationJson from '../../config/negotiation.json';
import { configVariant, tempConfigFile } from '../../test/config-files';
import { DEFAULT_NEGOTIATION_PATH, loadNegotiationConfig } from './load';
import { forTier, negotiationPolicy, NegotiationConfigError, parseNegotiationConfig } from './schema';

const config = loadNegotiationConfig();

describe('config/negotiation.json', () => {
  test('validates, with its version and the defaults the docs name', () => {
    expect(config.version).toBe('2026.1');
    expect(config.affordability.surplusShare).toBe(0.5);
    expect(forTier(config.plan.longestTermMonths.LOAN, 'HIGH')).toBe(6);
    expect(forTier(config.plan.longestTermMonths.LOAN, 'UNRATED')).toBe(12);
    expect(forTier(config.waivers.withoutApproval, 'LOW')).toEqual({ PENALTY_FEES: 1, LATE_INTEREST: 1, CONTRACT_INTEREST: 0 });
    expect(config.followUp).toMatchObject({ reminderDaysBefore: 3, graceDays: 5, breaksBeforeLegal: 2 });
  });

  test('the policy the stages record: the version and the timers and messages, no prose', () => {
    expect(negotiationPolicy(config)).toEqual({
      configVersion: '2026.1',
      approvalDeadlineHours: 48,
      answer: { offerValidityDays: 14, offersBeforeEscalation: 2 },
      messages: {
        offer: [
          { channel: 'SMS', templateId: 'sms-offer' },
          { channel: 'EMAIL', templateId: 'email-offer' },
        ],
        reminder: { channel: 'SMS', templateId: 'sms-plan-reminder' },
        callBack: { channel: 'CALL', templateId: 'call-plan-late' },
      },
      followUp: { reminderDaysBefore: 3, graceDays: 5, callBackAfterDays: 2, breaksBeforeLegal: 2 },
    });
  });

  test('is the same data the workflow gets by importing the JSON', () => {
    expect(parseNegotiationConfig(negotiationJson)).toEqual(config);
  });
});

describe('a bad negotiation file', () => {
  type Json = Record<string, Record<string, unknown>>;
  const loadVariant = (edit: (cfg: Json) => void) => {
    const file = configVariant(DEFAULT_NEGOTIATION_PATH, edit);
    return () => loadNegotiationConfig(file);
  };

  test('a share above 1 and a minimum instalment that is not an amount are named by their paths', () => {
    const load = loadVariant((cfg) => {
      cfg.affordability!.surplusShare = 1.5;
      (cfg.affordability!.minimumInstalment as Record<string, unknown>).default = 'fifty';
    });
    expect(load).toThrow(NegotiationConfigError);
    expect(load).toThrow(/affordability\.surplusShare: a share from 0 to 1/);
    expect(load).toThrow(/affordability\.minimumInstalment\.default: an amount in major units/);
  });

  test('a limit above what is proposed is refused (an agent could waive what the policy never offers)', () => {
    const load = loadVariant((cfg) => {
      (cfg.waivers!.withoutApproval as { byTier: Record<string, Record<string, number>> }).byTier.LOW!.CONTRACT_INTEREST = 0.5;
    });
    expect(load).toThrow(/waivers\.withoutApproval\.byTier\.LOW\.CONTRACT_INTEREST: more than is ever proposed/);
  });

  test('a call-back after the grace period is refused', () => {
    const load = loadVariant((cfg) => {
      cfg.followUp!.callBackAfterDays = 9;
    });
    expect(load).toThrow(/followUp\.callBackAfterDays: the call-back comes within the grace period/);
  });

  test('a product the loan book does not have is refused', () => {
    const load = loadVariant((cfg) => {
      (cfg.plan!.longestTermMonths as Record<string, unknown>).MORTGAGE = { default: 12, byTier: {} };
    });
    expect(load).toThrow(/plan\.longestTermMonths: Unrecognized key: "MORTGAGE"/);
  });

  test('is refused with the file name when it is not JSON', () => {
    const file = tempConfigFile('broken.json', '{ "version": ');
    expect(() => loadNegotiationConfig(file)).toThrow(new RegExp(`Cannot read ${file}`));
  });
});

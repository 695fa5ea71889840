/**
 * Jurisdiction presets (SPEC §4, issue 6 §4): the figures the law sets, as data, each with
 * its source. A bank's config may tighten any of them (config.ts); figures marked
 * `legal: false` are the bank's own defaults, not law, and say so.
 * Workflow-safe: data only.
 */
import type { JurisdictionPreset, PresetFigure } from './policy';

const hour = (h: number) => h * 60;
const noCap = (source: string): PresetFigure => ({ value: null, legal: false, source });

const CBA_2026 = "China Banking Association, trial guidelines on collection of personal consumer loans (2026)";
const BANK_POLICY = 'bank policy, not law (a default the bank may change)';

export const CN_PRESET: JurisdictionPreset = {
  jurisdiction: 'CN',
  figures: {
    // CBA 2026: no collection between 22:00 and 08:00 local without the borrower's consent.
    CONTACT_HOURS_START: { value: hour(8), legal: true, source: `${CBA_2026}: no collection 22:00–08:00` },
    CONTACT_HOURS_END: { value: hour(22), legal: true, source: `${CBA_2026}: no collection 22:00–08:00` },
    // CBA 2026 caps connected calls and unanswered attempts, not attempts as such.
    CALLS_PER_DAY: noCap(`${CBA_2026} sets no cap on call attempts as such`),
    CALLS_PER_WINDOW: noCap(`${CBA_2026} sets no rolling-window cap`),
    // CBA 2026: at most 3 connected calls a day per debtor, across the bank and its agencies
    // (we count across all the borrower's accounts).
    CONNECTED_CALLS_PER_DAY: { value: 3, legal: true, source: `${CBA_2026}: at most 3 connected calls a day per debtor` },
    CONNECTED_CALLS_PER_WINDOW: noCap(`${CBA_2026} sets no rolling-window cap`),
    // Bank policy, not law: the guidelines cap calls, not messages.
    SMS_PER_DAY: { value: 2, legal: false, source: BANK_POLICY },
    SMS_PER_WINDOW: noCap(BANK_POLICY),
    EMAILS_PER_DAY: { value: 2, legal: false, source: BANK_POLICY },
    EMAILS_PER_WINDOW: noCap(BANK_POLICY),
    // CBA 2026: at most 6 unanswered attempts a day to one number.
    UNANSWERED_CALLS_PER_NUMBER_PER_DAY: { value: 6, legal: true, source: `${CBA_2026}: at most 6 unanswered attempts a day to one number` },
    QUIET_DAYS_AFTER_CONVERSATION: { value: 0, legal: false, source: `${CBA_2026} sets no quiet period` },
    // Only the *_PER_WINDOW caps read it; CN sets none by law.
    WINDOW_DAYS: { value: 7, legal: false, source: BANK_POLICY },
  },
  // CBA 2026: no contact with unrelated third parties.
  thirdPartyContact: { allowed: false, source: `${CBA_2026}: no contact with unrelated third parties` },
};

const REG_F_TIME = '12 CFR 1006.6(b)(1)(i) (Regulation F): before 08:00 or after 21:00 local time is inconvenient';
const REG_F_FREQ = '12 CFR 1006.14(b)(2)(i)(A) (Regulation F): more than 7 calls within 7 consecutive days';

export const US_PRESET: JurisdictionPreset = {
  jurisdiction: 'US',
  figures: {
    // 12 CFR 1006.6(b)(1)(i): 08:00–21:00 at the consumer's location. We stop at 21:00 sharp:
    // a call begun at 21:00 runs past it.
    CONTACT_HOURS_START: { value: hour(8), legal: true, source: REG_F_TIME },
    CONTACT_HOURS_END: { value: hour(21), legal: true, source: REG_F_TIME },
    CALLS_PER_DAY: noCap('Regulation F sets no daily cap (see CALLS_PER_WINDOW)'),
    // 12 CFR 1006.14(b)(2)(i)(A): 7 call attempts within 7 consecutive days. The rule is per
    // debt; counting across all the borrower's accounts is stricter, never looser.
    CALLS_PER_WINDOW: { value: 7, legal: true, source: REG_F_FREQ },
    CONNECTED_CALLS_PER_DAY: noCap('Regulation F: connected calls count as calls (CALLS_PER_WINDOW)'),
    CONNECTED_CALLS_PER_WINDOW: noCap('Regulation F: connected calls count as calls (CALLS_PER_WINDOW)'),
    // Bank policy, not law: 1006.14(b)(2) presumptions cover telephone calls only.
    SMS_PER_DAY: { value: 2, legal: false, source: BANK_POLICY },
    SMS_PER_WINDOW: noCap(BANK_POLICY),
    EMAILS_PER_DAY: { value: 2, legal: false, source: BANK_POLICY },
    EMAILS_PER_WINDOW: noCap(BANK_POLICY),
    UNANSWERED_CALLS_PER_NUMBER_PER_DAY: noCap('Regulation F sets no per-number cap (see CALLS_PER_WINDOW)'),
    // 12 CFR 1006.14(b)(2)(i)(B): no call within 7 days after a telephone conversation about
    // the debt; the conversation's date is the first day of the period.
    QUIET_DAYS_AFTER_CONVERSATION: {
      value: 7,
      legal: true,
      source: '12 CFR 1006.14(b)(2)(i)(B) (Regulation F): no call within 7 days after a telephone conversation',
    },
    // 12 CFR 1006.14(b)(2)(i)(A): the seven consecutive days of the frequency cap.
    WINDOW_DAYS: { value: 7, legal: true, source: REG_F_FREQ },
  },
  // 12 CFR 1006.6(d)(1): no communication about the debt with third parties (location
  // information under 1006.10 aside, which this pipeline does not seek).
  thirdPartyContact: { allowed: false, source: '12 CFR 1006.6(d)(1) (Regulation F): no communication with third parties' },
};

export const PRESETS = { CN: CN_PRESET, US: US_PRESET } as const;

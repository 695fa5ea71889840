/**
 * The contact policy's one decision (SPEC §4): may this contact go out now, and if not,
 * which rule blocks it and when is the next moment it may. Pure and workflow-safe: the
 * facts come in (checkContactPolicy gathers them from Postgres), nothing is read or written.
 *
 * Order: the standing rules (cease-contact, hold, opt-out, third party) block for good
 * (nextAllowedAt null: a signal or a record lifts them, not time). Then the timed rules
 * (contact hours, caps, quiet period): nextAllowedAt is the first instant no timed rule
 * blocks, assuming no other contact meanwhile: the next opening in the borrower's zone
 * after the last cap or quiet period lifts.
 */
import type { FamilyContactStanding } from './family';
import { addDays, clockTime, instantOfLocal, localClock, startOfLocalDay } from './local-time';
import type { ContactChannel, ContactPolicy, HoldReason, PolicyFigure, PolicyRule } from './policy';

export type CallOutcome = 'CONNECTED' | 'UNANSWERED';

/** A contact already made to the borrower, on any of their accounts. */
export interface PastContact {
  channel: ContactChannel;
  at: Date | string;
  /** an opaque key of the number or address it went to */
  recipientKey: string | null;
  /** calls only; null while the outcome is not known (counted as unanswered) */
  callOutcome: CallOutcome | null;
}

export interface ContactFacts {
  at: Date | string;
  /** the borrower's IANA zone */
  timeZone: string;
  channel: ContactChannel;
  recipientKey: string | null;
  /** the number or address is one of the borrower's own */
  recipientIsBorrower: boolean;
  /**
   * The recipient is one of the borrower's family contacts (SPEC §3), as it stands at `at`
   * (family.ts). Usable (consent covering it and not withdrawn, number verified, lawful
   * source): contacted on the borrower's behalf, under the borrower's hours and caps. Any
   * other standing, or any other recipient not the borrower's, is a THIRD_PARTY.
   *
   * Such a contact counts toward the borrower's caps, and its number toward the per-number
   * cap: the caps exist so that collecting one debt never means more contact than this,
   * whoever picks up. CN (CBA 2026) caps contact per debtor and forbids harassing third
   * parties; Regulation F counts calls per person, so counting a family member's call with
   * the borrower's is stricter than the rule, never looser (SPEC §4: tighten, not loosen).
   * The hours are the borrower's: the family member's own zone is not on file.
   */
  familyContact?: FamilyContactStanding | null;
  ceaseContact: boolean;
  /** the borrower opted out of this channel */
  optedOut: boolean;
  /** the account's hold in force, if any */
  hold: HoldReason | null;
  pastContacts: PastContact[];
}

export type ContactDecision = { allowed: true } | { allowed: false; rule: PolicyRule; reason: string; nextAllowedAt: string | null };

interface Block {
  rule: PolicyRule;
  reason: string;
  /** null: time alone never lifts it */
  until: number | null;
}

const ms = (t: Date | string) => new Date(t).getTime();

export function decideContact(facts: ContactFacts, policy: ContactPolicy): ContactDecision {
  const standing = standingBlock(facts, policy);
  if (standing) return { allowed: false, rule: standing.rule, reason: standing.reason, nextAllowedAt: null };

  const at = ms(facts.at);
  let t = at;
  let first: Block | undefined;
  // Each round moves t strictly later; a handful of rounds settles (hours → next day → cap lifts …).
  for (let round = 0; round < 32; round++) {
    const blocks = timedBlocks(t, facts, policy);
    const head = blocks[0];
    if (!head) break;
    first ??= head;
    const forever = blocks.find((b) => b.until === null);
    if (forever) return { allowed: false, rule: first.rule, reason: first.reason, nextAllowedAt: null };
    t = Math.max(...blocks.map((b) => b.until as number));
  }
  if (!first) return { allowed: true };
  return { allowed: false, rule: first.rule, reason: first.reason, nextAllowedAt: new Date(t).toISOString() };
}

function standingBlock(facts: ContactFacts, policy: ContactPolicy): Block | undefined {
  if (facts.ceaseContact) return { rule: 'CEASE_CONTACT', reason: 'the borrower asked that contact cease', until: null };
  if (facts.hold) return { rule: 'ON_HOLD', reason: `the account is on hold (${facts.hold})`, until: null };
  if (facts.optedOut) return { rule: 'OPTED_OUT', reason: `the borrower opted out of ${facts.channel}`, until: null };
  if (!facts.recipientIsBorrower) {
    const family = facts.familyContact;
    if (!family) return { rule: 'THIRD_PARTY', reason: `not one of the borrower's own contact points (${policy.thirdPartySource})`, until: null };
    if (!family.usable) return { rule: 'THIRD_PARTY', reason: `a family contact the borrower's consent does not let us use (${family.reason}; ${policy.thirdPartySource})`, until: null };
  }
  return undefined;
}

function timedBlocks(t: number, facts: ContactFacts, policy: ContactPolicy): Block[] {
  const blocks: Block[] = [];
  const hours = hoursBlock(t, facts.timeZone, policy);
  if (hours) blocks.push(hours);
  for (const cap of capsFor(facts)) {
    const block = capBlock(t, facts.timeZone, policy, cap);
    if (block) blocks.push(block);
  }
  const quiet = facts.channel === 'CALL' ? quietBlock(t, facts, policy) : undefined;
  if (quiet) blocks.push(quiet);
  return blocks;
}

/** Contact hours are [start, end) on the borrower's clock. */
function hoursBlock(t: number, timeZone: string, policy: ContactPolicy): Block | undefined {
  const start = policy.figures.CONTACT_HOURS_START ?? 0;
  const end = policy.figures.CONTACT_HOURS_END ?? 24 * 60;
  const now = localClock(t, timeZone);
  if (now.minutes >= start && now.minutes < end) return undefined;
  const rule: PolicyFigure = now.minutes < start ? 'CONTACT_HOURS_START' : 'CONTACT_HOURS_END';
  const openingDate = now.minutes < start ? now.date : addDays(now.date, 1);
  return {
    rule,
    reason: `outside contact hours ${clockTime(start)}–${clockTime(end)} in the borrower's time zone (${policy.sources[rule]})`,
    until: instantOfLocal(openingDate, start, timeZone),
  };
}

interface Cap {
  figure: PolicyFigure;
  days: number | 'WINDOW';
  /** the past contacts this cap counts */
  counted: number[];
  what: string;
}

function capsFor(facts: ContactFacts): Cap[] {
  // Every recorded contact counts, even one stamped a moment after `t`: workflows ask at
  // their own workflow time, so another account's contact, committed just before under the
  // borrower's lock, may carry a later stamp. The caps' windows are whole local days.
  const past = facts.pastContacts;
  const times = (pred: (c: PastContact) => boolean) => past.filter(pred).map((c) => ms(c.at));
  switch (facts.channel) {
    case 'CALL': {
      const calls = times((c) => c.channel === 'CALL');
      const connected = times((c) => c.channel === 'CALL' && c.callOutcome === 'CONNECTED');
      const unanswered = times((c) => c.channel === 'CALL' && c.callOutcome !== 'CONNECTED' && c.recipientKey === facts.recipientKey);
      return [
        { figure: 'CALLS_PER_DAY', days: 1, counted: calls, what: 'call attempts' },
        { figure: 'CALLS_PER_WINDOW', days: 'WINDOW', counted: calls, what: 'call attempts' },
        { figure: 'CONNECTED_CALLS_PER_DAY', days: 1, counted: connected, what: 'connected calls' },
        { figure: 'CONNECTED_CALLS_PER_WINDOW', days: 'WINDOW', counted: connected, what: 'connected calls' },
        { figure: 'UNANSWERED_CALLS_PER_NUMBER_PER_DAY', days: 1, counted: unanswered, what: 'unanswered calls to this number' },
      ];
    }
    case 'SMS': {
      const sms = times((c) => c.channel === 'SMS');
      return [
        { figure: 'SMS_PER_DAY', days: 1, counted: sms, what: 'SMS' },
        { figure: 'SMS_PER_WINDOW', days: 'WINDOW', counted: sms, what: 'SMS' },
      ];
    }
    case 'EMAIL': {
      const emails = times((c) => c.channel === 'EMAIL');
      return [
        { figure: 'EMAILS_PER_DAY', days: 1, counted: emails, what: 'e-mails' },
        { figure: 'EMAILS_PER_WINDOW', days: 'WINDOW', counted: emails, what: 'e-mails' },
      ];
    }
  }
}

/**
 * A cap over `days` calendar days in the borrower's zone, today included. Reached: it lifts
 * at the local midnight when enough of the counted contacts have left the window.
 */
function capBlock(t: number, timeZone: string, policy: ContactPolicy, cap: Cap): Block | undefined {
  const limit = policy.figures[cap.figure];
  if (limit === null) return undefined;
  const days = cap.days === 'WINDOW' ? Math.max(1, policy.figures.WINDOW_DAYS ?? 1) : cap.days;
  const today = localClock(t, timeZone).date;
  const firstDay = addDays(today, -(days - 1));
  const inWindow = cap.counted
    .map((at) => localClock(at, timeZone).date)
    .filter((date) => date >= firstDay && date <= today)
    .sort();
  if (inWindow.length < limit) return undefined;
  const period = days === 1 ? 'today' : `in ${days} days`;
  const reason = `${inWindow.length} ${cap.what} ${period}, cap ${limit} (${policy.sources[cap.figure]})`;
  if (limit === 0) return { rule: cap.figure, reason, until: null };
  // Below the cap once the (n - limit + 1) oldest have left the window.
  const lastToLeave = inWindow[inWindow.length - limit] as string;
  return { rule: cap.figure, reason, until: startOfLocalDay(addDays(lastToLeave, days), timeZone) };
}

/** No call for QUIET_DAYS after a connected call, the conversation's day being day 1. */
function quietBlock(t: number, facts: ContactFacts, policy: ContactPolicy): Block | undefined {
  const quietDays = policy.figures.QUIET_DAYS_AFTER_CONVERSATION ?? 0;
  if (quietDays <= 0) return undefined;
  const conversations = facts.pastContacts.filter((c) => c.channel === 'CALL' && c.callOutcome === 'CONNECTED').map((c) => ms(c.at));
  if (conversations.length === 0) return undefined;
  const last = localClock(Math.max(...conversations), facts.timeZone).date;
  const until = startOfLocalDay(addDays(last, quietDays), facts.timeZone);
  if (t >= until) return undefined;
  return {
    rule: 'QUIET_DAYS_AFTER_CONVERSATION',
    reason: `a conversation on ${last}: no call for ${quietDays} days (${policy.sources.QUIET_DAYS_AFTER_CONVERSATION})`,
    until,
  };
}

/**
 * The offer (SPEC §2 step 7, issue 16 §2): from the account's figures and the borrower's
 * surplus, up to three options, each with its exact schedule and its waivers.
 *
 * - INSTALMENT_PLAN: the overdue amount, less the waivers, in monthly instalments sized to
 *   what the borrower can spare: the policy's share of the monthly surplus, less the
 *   contractual installment they keep paying beside it. Not offered when that budget is
 *   below the minimum instalment or cannot clear the arrears within the longest term for
 *   the product and tier. Without a known surplus: over the longest term.
 * - TERM_EXTENSION: the overdue and the remaining balance, less the waivers, re-aged over
 *   the remaining term plus the extra months (never longer than the policy's longest).
 * - SETTLEMENT: the whole balance less the bucket's discount, in one payment due when the
 *   settlement's validity ends; the discount writes down fees first, then late and contract
 *   interest, principal last.
 *
 * A waiver within the tier's limit is applied; the excess waits for a supervisor, and only
 * what is approved (`approvedExcess`, keyed by option and subject) is applied. Every
 * instalment is at least the minimum instalment (fewer instalments rather than smaller).
 * Pure and deterministic: no clock, no I/O, no Node APIs; the same inputs give the same offer.
 */
import { addDays } from '../contact-policy/local-time';
import type { IsoDate } from '../domain/dates';
import {
  BALANCE_OF,
  balanceTotal,
  WAIVABLE_COMPONENTS,
  type Balance,
  type OfferBasis,
  type OfferOption,
  type OfferTerms,
  type OptionKind,
  type UnavailableReason,
  type WaiverLine,
  type WaiverSubject,
} from '../domain/negotiation';
import { majorToMinorUnits } from '../loan-book/major-units';
import { forTier, type NegotiationConfig } from './schema';
import { planSchedule } from './schedule';

/** Supervisors' approvals so far: minor units of the excess approved, per `${kind}:${subject}`. */
export type ApprovedExcess = Readonly<Record<string, number>>;

export const waiverKey = (kind: OptionKind, subject: WaiverSubject) => `${kind}:${subject}`;

const NO_WRITE_DOWN: Balance = { principal: 0, contractInterest: 0, lateInterest: 0, penaltyFees: 0 };

/** The order a settlement's discount is taken in: what costs the bank least first. */
const WRITE_DOWN_ORDER: (keyof Balance)[] = ['penaltyFees', 'lateInterest', 'contractInterest', 'principal'];

const add = (a: Balance, b: Balance): Balance => ({
  principal: a.principal + b.principal,
  contractInterest: a.contractInterest + b.contractInterest,
  lateInterest: a.lateInterest + b.lateInterest,
  penaltyFees: a.penaltyFees + b.penaltyFees,
});

/** A share of minor units, rounded down: a waiver never exceeds its share by rounding. */
const shareOf = (amount: number, share: number) => Math.floor(amount * share + 1e-9);

export function minimumInstalment(config: NegotiationConfig, currency: string): number {
  const text = config.affordability.minimumInstalment.byCurrency[currency] ?? config.affordability.minimumInstalment.default;
  const minor = majorToMinorUnits(text, currency);
  // A default finer than the currency's unit (50.00 for JPY): the whole units it holds.
  return minor.ok ? Math.max(minor.minor, 1) : Math.max(Math.floor(Number(text)), 1);
}

function line(kind: OptionKind, subject: WaiverSubject, owed: number, proposedShare: number, limitShare: number, approved: ApprovedExcess): WaiverLine {
  const proposed = shareOf(owed, proposedShare);
  const withinLimit = Math.min(shareOf(owed, limitShare), proposed);
  const needsApproval = proposed - withinLimit;
  const granted = withinLimit + Math.min(Math.max(approved[waiverKey(kind, subject)] ?? 0, 0), needsApproval);
  return { subject, owed, proposed, withinLimit, needsApproval, granted };
}

/** The waivers of a plan or an extension: the overdue penalty fees and interest, never principal. */
function componentWaivers(kind: OptionKind, basis: OfferBasis, config: NegotiationConfig, approved: ApprovedExcess): WaiverLine[] {
  const limit = forTier(config.waivers.withoutApproval, basis.riskTier);
  return WAIVABLE_COMPONENTS.map((c) => line(kind, c, basis.overdue[BALANCE_OF[c]], config.waivers.proposed[c], limit[c], approved)).filter((w) => w.owed > 0);
}

const granted = (waivers: WaiverLine[]) => waivers.reduce((sum, w) => sum + w.granted, 0);

/** At most `wanted` instalments, fewer when an instalment would fall below the minimum. */
const countWithMinimum = (total: number, wanted: number, minimum: number) => Math.max(1, Math.min(wanted, Math.floor(total / minimum)));

type Sized = { option: OfferOption } | { unavailable: UnavailableReason };

function instalmentPlan(basis: OfferBasis, config: NegotiationConfig, firstDue: IsoDate, budget: number | null, approved: ApprovedExcess): Sized {
  const owed = balanceTotal(basis.overdue);
  if (owed === 0) return { unavailable: 'NOTHING_OWED' };
  const waivers = componentWaivers('INSTALMENT_PLAN', basis, config, approved);
  const carried = owed - granted(waivers);
  if (carried === 0) return { unavailable: 'NOTHING_OWED' };
  const minimum = minimumInstalment(config, basis.currency);
  const longest = forTier(config.plan.longestTermMonths[basis.product], basis.riskTier);
  let wanted = longest;
  if (budget !== null) {
    const fits = Math.ceil(carried / Math.max(budget, 1));
    if (budget < Math.min(minimum, carried) || fits > longest) return { unavailable: 'SURPLUS_TOO_SMALL' };
    wanted = fits;
  }
  const rate = config.plan.interest === 'CONTRACT_RATE' ? (basis.contractRateBps ?? 0) : 0;
  const schedule = planSchedule(carried, countWithMinimum(carried, wanted, minimum), firstDue, rate);
  const affordable = budget === null ? null : schedule.every((s) => s.amount <= budget);
  return { option: { kind: 'INSTALMENT_PLAN', owed, total: schedule.reduce((s, l) => s + l.amount, 0), waivers, writeDown: NO_WRITE_DOWN, schedule, affordable } };
}

function termExtension(basis: OfferBasis, config: NegotiationConfig, firstDue: IsoDate, surplusBudget: number | null, approved: ApprovedExcess): Sized {
  if (basis.notYetDue.instalments === 0) return { unavailable: 'NOTHING_TO_EXTEND' };
  const owed = balanceTotal(basis.overdue) + balanceTotal(basis.notYetDue);
  if (owed === 0) return { unavailable: 'NOTHING_OWED' };
  const waivers = componentWaivers('TERM_EXTENSION', basis, config, approved);
  const carried = owed - granted(waivers);
  if (carried === 0) return { unavailable: 'NOTHING_OWED' };
  const wanted = Math.min(basis.notYetDue.instalments + config.termExtension.extraMonths[basis.product], config.termExtension.longestTotalMonths);
  const rate = config.plan.interest === 'CONTRACT_RATE' ? (basis.contractRateBps ?? 0) : 0;
  const schedule = planSchedule(carried, countWithMinimum(carried, wanted, minimumInstalment(config, basis.currency)), firstDue, rate);
  // The extension replaces the contractual installments: all of the surplus budget is for it.
  const affordable = surplusBudget === null ? null : schedule.every((s) => s.amount <= surplusBudget);
  return { option: { kind: 'TERM_EXTENSION', owed, total: schedule.reduce((s, l) => s + l.amount, 0), waivers, writeDown: NO_WRITE_DOWN, schedule, affordable } };
}

function settlement(basis: OfferBasis, config: NegotiationConfig, approved: ApprovedExcess): Sized {
  const balance = add(basis.overdue, basis.notYetDue);
  const owed = balanceTotal(balance);
  if (owed === 0) return { unavailable: 'NOTHING_OWED' };
  const discount = config.settlement.discountByBucket[basis.bucket];
  if (discount === 0) return { unavailable: 'NO_DISCOUNT_IN_BUCKET' };
  const limit = Math.min(forTier(config.settlement.discountWithoutApproval, basis.riskTier), discount);
  const waiver = line('SETTLEMENT', 'SETTLEMENT_DISCOUNT', owed, discount, limit, approved);
  // Fees first, principal last: each component gives up to what it holds.
  let left = waiver.granted;
  const writeDown = { ...NO_WRITE_DOWN };
  for (const part of WRITE_DOWN_ORDER) {
    writeDown[part] = Math.min(balance[part], left);
    left -= writeDown[part];
  }
  const total = owed - waiver.granted;
  const schedule = [{ instalmentNo: 1, dueDate: addDays(basis.asOf, config.settlement.validityDays), amount: total, interest: 0 }];
  // A lump sum is paid from savings or help: a monthly surplus says nothing of it (affordable: null).
  return { option: { kind: 'SETTLEMENT', owed, total, waivers: [waiver], writeDown, schedule, affordable: null } };
}

/** The options of one offer. `approvedExcess`: the supervisors' decisions on the waivers beyond the limits so far. */
export function composeOffer(basis: OfferBasis, config: NegotiationConfig, approvedExcess: ApprovedExcess = {}): OfferTerms {
  const firstDue = addDays(basis.asOf, config.plan.firstInstalmentAfterDays);
  const surplusBudget = basis.surplus === null ? null : shareOf(Math.max(basis.surplus.monthly, 0), config.affordability.surplusShare);
  const instalmentBudget = surplusBudget === null ? null : surplusBudget - (basis.notYetDue.instalments > 0 ? basis.notYetDue.nextInstalment : 0);
  const sized: [OptionKind, Sized][] = [
    ['INSTALMENT_PLAN', instalmentPlan(basis, config, firstDue, instalmentBudget, approvedExcess)],
    ['TERM_EXTENSION', termExtension(basis, config, firstDue, surplusBudget, approvedExcess)],
    ['SETTLEMENT', settlement(basis, config, approvedExcess)],
  ];
  return {
    currency: basis.currency,
    asOf: basis.asOf,
    configVersion: config.version,
    surplus: basis.surplus,
    instalmentBudget,
    options: sized.flatMap(([, s]) => ('option' in s ? [s.option] : [])),
    unavailable: sized.flatMap(([kind, s]) => ('unavailable' in s ? [{ kind, reason: s.unavailable }] : [])),
  };
}

/** The waiver lines still waiting for a supervisor, over every option. */
export const waitingForApproval = (terms: OfferTerms): { kind: OptionKind; line: WaiverLine }[] =>
  terms.options.flatMap((o) => o.waivers.filter((w) => w.needsApproval > 0).map((line) => ({ kind: o.kind, line })));

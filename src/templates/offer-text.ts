/**
 * What a message about an offer or a plan says of it (issue 16 §2-3): the options in a few
 * plain words ({{offerOptions}}), and the next instalment ({{planInstalment}}). Amounts with
 * their currency, dates as ISO dates (the borrower's own calendar day: the business day).
 */
import { formatMoney } from '../domain/money';
import type { OfferOption, PlanInstalment } from '../domain/negotiation';

function describe(option: OfferOption, currency: string): string {
  const [first] = option.schedule;
  const last = option.schedule[option.schedule.length - 1];
  if (!first || !last) return '';
  const money = (minor: number) => formatMoney(minor, currency);
  const waived = option.owed - option.total + option.schedule.reduce((s, l) => s + l.interest, 0);
  const saving = waived > 0 ? ` (${money(waived)} waived)` : '';
  switch (option.kind) {
    case 'SETTLEMENT':
      return `a single payment of ${money(option.total)} by ${first.dueDate} settles the account${saving}`;
    case 'INSTALMENT_PLAN':
    case 'TERM_EXTENSION': {
      const what = option.kind === 'INSTALMENT_PLAN' ? 'the overdue amount' : 'the whole balance';
      const count = option.schedule.length;
      if (count === 1) return `${what} in one payment of ${money(first.amount)} on ${first.dueDate}${saving}`;
      const lastDiffers = last.amount !== first.amount ? `, the last ${money(last.amount)}` : '';
      return `${what} in ${count} monthly payments of ${money(first.amount)}${lastDiffers}, from ${first.dueDate}${saving}`;
    }
  }
}

/** "1) …; 2) …; 3) …", in the offer's order. */
export function formatOfferOptions(options: readonly OfferOption[], currency: string): string {
  return options.map((o, i) => `${i + 1}) ${describe(o, currency)}`).join('; ');
}

/**
 * The part of a plan instalment still to pay, and when it falls due: "CNY 203.57 due on
 * 2026-12-15". `contractDue`: what of the loan's own installments is unpaid and falls due by
 * then beside an arrears plan (docs/negotiation.md, "What a plan replaces"), so the borrower
 * is asked for the whole of it: "CNY 1203.57 due by 2026-12-15 (CNY 203.57 for the plan,
 * CNY 1000.00 for the loan's own installment)".
 */
export function formatPlanInstalment(instalment: PlanInstalment, currency: string, contractDue = 0): string {
  const plan = instalment.amount - instalment.paid;
  if (contractDue <= 0) return `${formatMoney(plan, currency)} due on ${instalment.dueDate}`;
  return `${formatMoney(plan + contractDue, currency)} due by ${instalment.dueDate} (${formatMoney(plan, currency)} for the plan, ${formatMoney(contractDue, currency)} for the loan's own installment)`;
}

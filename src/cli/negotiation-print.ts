/**
 * How `arrears offer` and `arrears plan` print an offer and a plan: each option with its
 * waivers and its schedule line by line, each plan instalment with what payments covered.
 */
import { formatMoney } from '../domain/money';
import type { Offer, PlanView } from '../domain/negotiation';
import { formatTable } from './table';

export function printOffer(offer: Offer, write: (line: string) => void): void {
  const money = (minor: number) => formatMoney(minor, offer.currency);
  write(`Offer ${offer.offerId} to ${offer.accountId} (round ${offer.round}, ${offer.status}), made ${offer.asOf}, open until ${offer.validUntil}; policy ${offer.configVersion}`);
  for (const [n, option] of offer.options.entries()) {
    write('');
    write(`${n + 1}. ${option.kind}: ${money(option.total)} in ${option.schedule.length} (owed ${money(option.owed)})`);
    for (const w of option.waivers.filter((x) => x.proposed > 0))
      write(`   waiver ${w.subject}: ${money(w.granted)} granted of ${money(w.proposed)} proposed (${money(w.withinLimit)} within the limit, ${money(w.needsApproval)} needing approval)`);
    const table = formatTable(['#', 'due', 'amount', 'interest'], option.schedule.map((l) => [String(l.instalmentNo), l.dueDate, money(l.amount), money(l.interest)]));
    write(`   ${table.header}`);
    for (const row of table.rows) write(`   ${row}`);
  }
  for (const u of offer.unavailable) write(`(no ${u.kind}: ${u.reason})`);
  for (const w of offer.pendingWaivers) write(`Waiting for a supervisor: waiver ${w.waiverId} (${w.kind} ${w.subject}, ${money(w.needsApproval)}) until ${offer.approvalDeadline ?? '-'}`);
}

export function printPlan(plan: PlanView, write: (line: string) => void): void {
  const money = (minor: number) => formatMoney(minor, plan.currency);
  write(`Plan ${plan.planId} of ${plan.accountId} (${plan.kind}, ${plan.status}, from offer ${plan.offerId}): ${money(plan.paid)} paid of ${money(plan.total)}`);
  const table = formatTable(['#', 'due', 'amount', 'paid'], plan.instalments.map((i) => [String(i.instalmentNo), i.dueDate, money(i.amount), money(i.paid)]));
  write(table.header);
  for (const row of table.rows) write(row);
  write(plan.nextDue ? `Next: instalment ${plan.nextDue.instalmentNo}, ${money(plan.nextDue.amount - plan.nextDue.paid)} due on ${plan.nextDue.dueDate}` : 'Paid up.');
}

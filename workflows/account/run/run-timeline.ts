/**
 * The run's own timeline (issue 15 §3, SPEC §8 `timeline` query): what changed between two
 * of the run's summaries, told in the domain's words (stage moves, payments and reversals,
 * holds, promises and their verdicts, call tasks, the contact policy's refusals with their
 * rule, cadence contacts, appointments and visits, cease-contact). The summary carries no
 * personal data, so neither does the timeline. Pure: no commands, nothing for replay to check.
 */
import type { TimelineEvent } from '../../../src/domain/timeline';
import type { AccountSummary } from '../contract';

const CONTACT_ACTION = /^(SMS|EMAIL|CALL) [\w-]+$/;

const minute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')}Z`;

/** The events that took the run from `before` to `after`, at `at`. */
export function timelineChanges(before: AccountSummary, after: AccountSummary, at: string): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const add = (kind: TimelineEvent['kind'], text: string) => events.push({ at, kind, text });
  const overdue = after.amountOverdueFormatted ?? '(figures not read)';

  if (after.paymentsCounted > before.paymentsCounted) add('PAYMENT', `payment counted: ${overdue} overdue`);
  if (after.paymentsReversed > before.paymentsReversed) add('PAYMENT', `payment reversed: ${overdue} overdue`);
  for (const hold of after.holds.filter((h) => !before.holds.includes(h))) add('HOLD', `hold placed: ${hold}`);
  for (const hold of before.holds.filter((h) => !after.holds.includes(h))) add('HOLD', `hold released: ${hold}`);
  if (after.contactCeased && !before.contactCeased) add('CEASE_CONTACT', 'cease-contact: no outbound contact any more');

  const promise = after.pendingPromise;
  if (promise && promise.promiseId !== before.pendingPromise?.promiseId) add('PROMISE', `promise to pay ${promise.amountFormatted} by ${promise.promisedFor}, judged ${minute(promise.checkAt)}`);
  if ((after.promisesKept ?? 0) > (before.promisesKept ?? 0)) add('PROMISE', 'promise kept');
  if ((after.promisesBroken ?? 0) > (before.promisesBroken ?? 0)) add('PROMISE', 'promise broken: the next escalation step comes forward');

  const block = after.lastBlockedContact;
  const blocked = block && JSON.stringify(block) !== JSON.stringify(before.lastBlockedContact);
  if (block && blocked) add('BLOCK', `${block.channel} refused by the contact policy: ${block.rule}${block.nextAllowedAt ? `, allowed again ${minute(block.nextAllowedAt)}` : ''}`);
  const step = before.nextStep?.action;
  if (!blocked && step && CONTACT_ACTION.test(step) && step !== after.nextStep?.action) add('CONTACT', `${step}: cadence step taken`);

  const task = after.openCallTask;
  if (task && task.taskId !== before.openCallTask?.taskId) add('CALL', `call task ${task.taskId} opened${after.assignedAgent ? ` for ${after.assignedAgent}` : ''}, answer by ${minute(task.dueBy)}`);
  const closed = before.openCallTask;
  if (closed && closed.taskId !== task?.taskId) add('CALL', `call task ${closed.taskId} closed`);

  const appointment = after.appointment;
  if (appointment && appointment.appointmentId !== before.appointment?.appointmentId)
    add('APPOINTMENT', `appointment ${appointment.appointmentId} proposed: ${appointment.slots.length} slot(s), confirm by ${minute(appointment.confirmBy)}`);
  const visit = after.visit;
  if (visit && visit.appointmentId !== before.visit?.appointmentId)
    add('VISIT', `visit ${visit.appointmentId} booked for ${minute(visit.startsAt)}, collector ${visit.collectorId}${visit.securityId ? ` with ${visit.securityId}` : ''}, report due ${minute(visit.reportDueBy)}`);

  if (after.stage !== before.stage) add('STAGE', `${before.stage} → ${after.stage}`);
  return events;
}

/** The run's current details for the Temporal UI (markdown): where the account stands, no personal data. */
export function currentDetails(s: AccountSummary): string {
  const lines = [
    `**${s.stage}** · ${s.daysPastDue} DPD · ${s.amountOverdueFormatted ?? 'figures not read yet'} overdue${s.bucket ? ` (bucket ${s.bucket})` : ''}`,
    `Treatment: ${s.treatment}`,
    `Next step: ${s.nextStep ? `${s.nextStep.action} — ${minute(s.nextStep.at)}` : 'none scheduled'}`,
  ];
  const staff = [s.assignedAgent && `agent ${s.assignedAgent}`, s.visit && `collector ${s.visit.collectorId}`, s.visit?.securityId && `security ${s.visit.securityId}`].filter(Boolean);
  if (staff.length > 0) lines.push(`Staff: ${staff.join(', ')}`);
  if (s.holds.length > 0) lines.push(`On hold: ${s.holds.join('; ')}`);
  if (s.contactCeased) lines.push('Cease-contact: no outbound contact');
  if (s.pendingPromise) lines.push(`Promise: ${s.pendingPromise.amountFormatted} by ${s.pendingPromise.promisedFor}`);
  return lines.join('\n\n');
}

/**
 * The simulated borrowers (behaviour.ts decides, by segment): they pay in full or in part,
 * unprompted or nudged by a reminder or a visit; keep or break the promises they made on a
 * call; confirm or ignore proposed appointments; and now and then dispute the debt (a hold,
 * released later), ask the bank to cease contact, or opt out of SMS. Everything goes through
 * what the API would call: the payment API's acceptPayment (then the outbox relay signals the
 * workflow), the field routes' confirmation, the hold and cease-contact signals.
 */
import { z } from 'zod';
import { sendCeaseContact, sendHoldPlaced, sendHoldReleased } from '../api/account-messages';
import { sendAppointmentConfirmation } from '../api/field-messages';
import { loadAccountFigures } from '../db/account-figures';
import { listProposedAppointments } from '../db/appointments';
import { recordOptOut } from '../contact-policy/records';
import { calendarDateIn } from '../domain/time-zones';
import { acceptPayment } from '../payments/accept-payment';
import { decides, propensities } from './behaviour';
import { countOutcome, forEach, segmentOf, type World } from './world';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The business calendar the screening and the payments' value dates use. */
export const SIMULATION_BUSINESS_ZONE = 'UTC';

/**
 * The borrower pays `share` of what is overdue today (nothing when nothing is). The event id
 * names the decision, so a decision replayed pays once.
 */
export async function payOverdue(world: World, accountId: string, share: number, at: number, eventId: string): Promise<void> {
  const today = calendarDateIn(at, SIMULATION_BUSINESS_ZONE);
  const figures = await loadAccountFigures(world.pool, accountId, today);
  if (!figures || figures.amountOverdue <= 0) return;
  const amount = share >= 1 ? figures.amountOverdue : Math.max(1, Math.round(figures.amountOverdue * share));
  const currency = (await world.pool.query<{ currency: string }>('SELECT currency FROM accounts WHERE id = $1', [accountId])).rows[0]?.currency ?? 'CNY';
  const accepted = await acceptPayment(world.pool, { eventId, accountId, amount, currency, valueDate: today, method: 'BANK_TRANSFER' });
  world.tally.count(`payment (${share >= 1 ? 'in full' : 'part'}): ${accepted.kind}`);
}

/** Once a day: the unprompted payments of the accounts in collection, each at an hour of its own. */
export function planTodaysPayments(world: World, dayStart: number): void {
  const day = calendarDateIn(dayStart, SIMULATION_BUSINESS_ZONE);
  for (const [accountId, segment] of world.segments) {
    const p = propensities(segment);
    const at = dayStart + (8 + Math.floor(world.chance('pay-hour', accountId, day) * 12)) * HOUR;
    if (decides(world.chance, p.payInFullPerDay, 'pay-full', accountId, day)) world.agenda.plan(at, 'payment', () => payOverdue(world, accountId, 1, at, `SIM-FULL-${accountId}-${day}`));
    else if (decides(world.chance, p.payPartPerDay, 'pay-part', accountId, day)) world.agenda.plan(at, 'payment', () => payOverdue(world, accountId, 0.5, at, `SIM-PART-${accountId}-${day}`));
  }
}

const deliveredRow = z.object({ id: z.number(), account_id: z.string(), attempted_at: z.date() });

/** Reminders (SMS, e-mail) delivered since `afterId`: some borrowers pay within a few days. Returns the last id seen. */
export async function reactToReminders(world: World, afterId: number): Promise<number> {
  const { rows } = await world.pool.query(
    `SELECT id, account_id, attempted_at FROM contact_attempts
      WHERE id > $1 AND status = 'SENT' AND channel IN ('SMS', 'EMAIL') AND family_contact_id IS NULL ORDER BY id`,
    [afterId],
  );
  let last = afterId;
  for (const r of rows.map((row) => deliveredRow.parse(row))) {
    last = r.id;
    if (!decides(world.chance, propensities(segmentOf(world, r.account_id)).payAfterReminder, 'reminder-pay', r.id)) continue;
    const at = r.attempted_at.getTime() + (1 + Math.floor(world.chance('reminder-pay-delay', r.id) * 3)) * DAY;
    world.agenda.plan(at, 'payment after a reminder', () => payOverdue(world, r.account_id, 1, at, `SIM-REMINDED-${r.id}`));
  }
  return last;
}

const entryRow = z.object({ id: z.number(), account_id: z.string(), at: z.date() });

/**
 * Episodes begun since `afterId` (moves to SCREENED): the borrower's dice for the episode —
 * a dispute (a hold, released 5 to 20 days later), a cease-contact request, an SMS opt-out.
 * Returns the last transition id seen.
 */
export async function planEpisodeEvents(world: World, afterId: number): Promise<number> {
  const { rows } = await world.pool.query(
    `SELECT id, account_id, occurred_at AS at FROM stage_transitions WHERE id > $1 AND to_stage = 'SCREENED' ORDER BY id`,
    [afterId],
  );
  let last = afterId;
  for (const e of rows.map((row) => entryRow.parse(row))) {
    last = e.id;
    const p = propensities(segmentOf(world, e.account_id));
    const day = (name: string, from: number, span: number) => e.at.getTime() + (from + world.chance(name, e.id) * span) * DAY;
    if (decides(world.chance, p.dispute, 'dispute', e.id)) {
      const holdId = `SIM-DISPUTE-${e.id}`;
      const placed = day('dispute-day', 2, 10);
      world.agenda.plan(placed, 'dispute', async () => {
        countOutcome(world, 'hold placed', await sendHoldPlaced(world.messages, e.account_id, { holdId, reason: 'DISPUTE' }));
        const released = placed + (5 + world.chance('dispute-length', e.id) * 15) * DAY;
        world.agenda.plan(released, 'dispute resolved', async () => countOutcome(world, 'hold released', await sendHoldReleased(world.messages, e.account_id, { holdId })));
      });
    }
    if (decides(world.chance, p.ceaseContact, 'cease', e.id)) {
      world.agenda.plan(day('cease-day', 1, 20), 'cease contact', async () =>
        countOutcome(world, 'cease contact', await sendCeaseContact(world.messages, e.account_id, { requestId: `SIM-CEASE-${e.id}`, scope: 'BORROWER' })),
      );
    }
    if (decides(world.chance, p.optOutSms, 'opt-out', e.id)) {
      const at = day('opt-out-day', 1, 10);
      world.agenda.plan(at, 'SMS opt-out', async () => {
        const borrower = await world.pool.query<{ borrower_id: string }>('SELECT borrower_id FROM accounts WHERE id = $1', [e.account_id]);
        await recordOptOut(world.pool, borrower.rows[0]!.borrower_id, 'SMS', { kind: 'SMS_REPLY', inboundMessageId: `SIM-OPT-OUT-${e.id}` }, new Date(at));
        world.tally.count('SMS opt-out');
      });
    }
  }
  return last;
}

/** Proposed appointments not yet answered: the borrower confirms the first slot still free, or lets it pass. */
export async function answerProposals(world: World, answered: Set<number>): Promise<void> {
  const proposals = (await listProposedAppointments(world.pool)).filter((a) => !answered.has(a.appointmentId));
  await forEach(world, proposals, async (proposal) => {
    answered.add(proposal.appointmentId);
    if (!decides(world.chance, propensities(segmentOf(world, proposal.accountId)).confirmAppointment, 'confirm', proposal.appointmentId)) {
      world.tally.count('appointment ignored');
      return;
    }
    for (const slot of proposal.proposedSlots) {
      const outcome = await sendAppointmentConfirmation(world.messages, proposal.appointmentId, { slotId: slot.slotId, address: { kind: 'HOME' }, confirmedBy: 'BORROWER', channel: 'SMS' });
      // A slot taken meanwhile: the borrower tries the next one.
      if (outcome.kind !== 'REJECTED' || !/taken|free/i.test(outcome.error)) {
        countOutcome(world, 'appointment confirmed', outcome);
        return;
      }
    }
    world.tally.count('appointment confirmed: no slot left');
  });
}

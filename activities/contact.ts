/**
 * One outbound contact step of a cadence (issue 6 §2, §4): an SMS, an e-mail, or a call
 * task in the agent queue, through the contact policy.
 *
 * Exactly once per idempotency key: the contact's record (contact_attempts, unique by
 * key) is written in the contact policy's transaction, under the borrower's lock, with
 * the check that allowed it; a retry finds it and contacts nobody again. And "recorded"
 * means "delivered": a provider that hands off inside that transaction (the SMS outbox)
 * commits with the record; one that hands off after it (an HTTP gateway, SMTP) is handed
 * the message again by any retry that finds the record without the provider's message id
 * (the providers send once per key, so a repeated hand-off is harmless).
 *
 * No contact after a cure: the figures are read again inside that transaction, the last
 * moment before the record; nothing overdue → NOT_NEEDED, no record. A retry that finds a
 * message recorded but never handed off reads them again too: nothing overdue → the
 * record is marked FAILED (nothing went out) and NOT_NEEDED. A refusal by the
 * policy is recorded with its rule (contact_blocks) and answered BLOCKED with the next
 * allowed moment; the workflow waits and asks again under the same key at a later `at`,
 * and each ask's refusal is recorded under the key and that moment.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { loadContactPolicyConfig } from '../src/contact-policy/config';
import { withContactPermit, type ContactPermit } from '../src/contact-policy/permit';
import type { AccountFigures } from '../src/domain/account';
import { loadAccountFigures } from '../src/db/account-figures';
import { closeOpenCallTask, findCallTask, openCallTask, type OpenedCallTask } from '../src/db/agent-tasks';
import { recordContactAttempt } from '../src/db/contact-attempts';
import { completeStepAttempt, findStepAttempt, loadContactTarget, markStepUndeliverable, type ContactTarget } from '../src/db/contact-steps';
import type { ContactStepInput, ContactStepResult } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import { loadTemplateCatalogue } from '../src/templates/catalogue';
import { renderTemplate, TemplateRenderError, type RenderedMessage } from '../src/templates/render';
import { loadTreatments } from '../src/treatments/load';
import { businessDayOf } from './business-day';
import { appointmentMessageContext, type AppointmentMessageContext } from './appointment-message';
import { negotiationMessageContext, type NegotiationMessageContext } from './negotiation-message';
import type { ActivityDeps } from './deps';
import { createMessageHandOff, type RecordedMessage as Recorded } from './message-hand-off';
import { OutboxEmailProvider } from './providers/email-provider';

export interface CloseCallTaskInput {
  taskId: number;
  /** EXPIRED: the call window passed; CANCELLED: no longer needed (cured, on hold, ceased) */
  status: 'EXPIRED' | 'CANCELLED';
  at: number;
}

/** Calls are tasks for human agents: the "provider" of a call attempt is the queue. */
export const AGENT_QUEUE = 'agent-queue';

type Written = { kind: 'message'; recorded: Recorded } | { kind: 'call'; attemptId: number; task: OpenedCallTask };

export const accountNotFound = (accountId: string) =>
  ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${accountId} is not in the loan book`, nonRetryable: true });

export function createContactActivities(deps: ActivityDeps) {
  const { pool, smsProvider, businessTimeZone } = deps;
  // Loaded once, when the worker starts: a bad file stops it there, not at a borrower's step.
  const treatments = deps.treatments ?? loadTreatments();
  const policies = deps.contactPolicies ?? loadContactPolicyConfig();
  const templates = deps.templates ?? loadTemplateCatalogue();
  const emailProvider = deps.emailProvider ?? new OutboxEmailProvider(pool);
  const deliver = createMessageHandOff({ pool, smsProvider, emailProvider });

  function render(input: ContactStepInput, target: ContactTarget, figures: AccountFigures, about: AppointmentMessageContext & NegotiationMessageContext): RenderedMessage {
    let message: RenderedMessage;
    try {
      const ctx = { product: target.product, ...figures, ...about };
      message = renderTemplate(templates, { templateId: input.templateId, ...(input.templateVersion === undefined ? {} : { version: input.templateVersion }) }, ctx);
    } catch (err) {
      if (!(err instanceof TemplateRenderError)) throw err;
      throw ApplicationFailure.create({ type: FailureType.WorkerMisconfigured, message: err.message, nonRetryable: true, cause: err });
    }
    if (message.channel !== input.channel) {
      throw ApplicationFailure.create({
        type: FailureType.WorkerMisconfigured,
        message: `template ${message.templateId} v${message.version} is for ${message.channel}, not ${input.channel}`,
        nonRetryable: true,
      });
    }
    return message;
  }

  /** Writes the step in the permit's transaction: the record, and the outbox row or the call task. */
  async function writeStep(permit: ContactPermit, input: ContactStepInput, target: ContactTarget, message: RenderedMessage): Promise<Written> {
    const { idempotencyKey, workflowId, at } = input;
    const record = { workflowId, templateId: message.templateId, templateVersion: message.version, renderedText: message.text };
    if (input.channel === 'CALL') {
      const attempt = await permit.recordAttempt({ ...record, provider: AGENT_QUEUE, providerMessageId: null, callOutcome: null });
      const windowHours = input.callWindowHours ?? treatments.calls.windowHours;
      const task = await openCallTask(permit.db, {
        idempotencyKey,
        accountId: input.accountId,
        borrowerId: target.borrowerId,
        workflowId,
        contactAttemptId: attempt.id,
        templateId: message.templateId,
        templateVersion: message.version,
        script: message.text,
        openedAt: new Date(at),
        dueBy: new Date(at + windowHours * 3_600_000),
      });
      return { kind: 'call', attemptId: attempt.id, task };
    }
    let providerMessageId: string | null = null;
    let provider = emailProvider.name;
    if (input.channel === 'SMS') {
      provider = smsProvider.name;
      const inTransaction = smsProvider.within?.(permit.db);
      if (inTransaction) providerMessageId = (await inTransaction.send({ idempotencyKey, to: target.recipient as string, body: message.text })).providerMessageId;
    }
    const attempt = await permit.recordAttempt({ ...record, provider, providerMessageId });
    const subject = message.subject ?? null;
    if (subject !== null) await completeStepAttempt(permit.db, attempt.id, { renderedSubject: subject });
    return { kind: 'message', recorded: { attemptId: attempt.id, channel: input.channel, providerMessageId: attempt.provider_message_id ?? providerMessageId, text: message.text, subject } };
  }

  /**
   * Makes sure the provider has the message (again, with the same key, if unsure); a no-op
   * once it has. false: the provider refused the message itself, and the attempt is FAILED.
   */
  async function handOff(input: ContactStepInput, recorded: Recorded, recipient?: string | null): Promise<boolean> {
    if (recorded.providerMessageId !== null) return true;
    const to = recipient === undefined ? (await loadContactTarget(pool, input.accountId, recorded.channel))?.recipient : recipient;
    if (!to) {
      throw ApplicationFailure.create({ type: FailureType.NoContactMethod, message: `recorded ${recorded.channel} ${recorded.attemptId} has no recipient on file any more`, nonRetryable: true });
    }
    return deliver(input, recorded, to);
  }

  /** A retry (or a replayed step) that finds the step already recorded (a FAILED one: nothing was delivered). */
  async function resume(input: ContactStepInput, attempt: NonNullable<Awaited<ReturnType<typeof findStepAttempt>>>): Promise<ContactStepResult> {
    const { accountId, workflowId } = input;
    if (attempt.account_id !== accountId) throw new Error(`contact key ${input.idempotencyKey} belongs to another account`);
    if (attempt.status !== 'SENT') return { outcome: 'NO_CONTACT_METHOD', contactAttemptId: attempt.id };
    if (attempt.channel === 'CALL') {
      const task = await findCallTask(pool, input.idempotencyKey);
      if (!task) throw new Error(`call attempt ${attempt.id} has no task`);
      return { outcome: 'CALL_TASK_OPENED', contactAttemptId: attempt.id, taskId: task.taskId, assignedAgent: task.assignedAgent, dueBy: task.dueBy.toISOString() };
    }
    const recorded: Recorded = { attemptId: attempt.id, channel: attempt.channel, providerMessageId: attempt.provider_message_id, text: attempt.rendered_text, subject: attempt.rendered_subject };
    if (recorded.providerMessageId === null) {
      // Recorded, never handed off (the provider failed or timed out): no reminder after a
      // cure, so the figures decide again before the message goes out late.
      const figures = await loadAccountFigures(pool, accountId, businessDayOf(input, businessTimeZone));
      const { needed } = await negotiationMessageContext(pool, input);
      if (figures && !(needed ?? figures.amountOverdue > 0)) {
        await markStepUndeliverable(pool, recorded.attemptId);
        log.info('nothing overdue any more; the undelivered contact is not handed off', { accountId, workflowId, channel: attempt.channel, contactAttemptId: attempt.id });
        return { outcome: 'NOT_NEEDED' };
      }
    }
    if (!(await handOff(input, recorded))) return { outcome: 'NO_CONTACT_METHOD', contactAttemptId: attempt.id };
    log.info('contact already recorded for this key; not contacting again', { accountId, workflowId, channel: attempt.channel, contactAttemptId: attempt.id });
    return { outcome: 'ALREADY_SENT', contactAttemptId: attempt.id };
  }

  return {
    async contactBorrower(input: ContactStepInput): Promise<ContactStepResult> {
      const { idempotencyKey, accountId, workflowId, channel, templateId } = input;
      const earlier = await findStepAttempt(pool, idempotencyKey);
      if (earlier) return resume(input, earlier);

      const asOf = businessDayOf(input, businessTimeZone);
      const target = await loadContactTarget(pool, accountId, channel);
      if (!target) throw accountNotFound(accountId);
      // Read before asking the policy too, so that no refusal is recorded for a contact no longer needed.
      const figures = await loadAccountFigures(pool, accountId, asOf);
      if (!figures) throw accountNotFound(accountId);
      // Field collection: the appointment the message is about, its slots or visit time; negotiation: the offer or plan instalment.
      const about = { ...(await appointmentMessageContext(pool, input)), ...(await negotiationMessageContext(pool, input)) };
      // An offer's or a plan's message is needed while the offer is out or the instalment unpaid; any other while something is overdue.
      const needed = (f: AccountFigures, latest: NegotiationMessageContext = about) => latest.needed ?? f.amountOverdue > 0;
      if (!needed(figures)) {
        log.info('nothing overdue any more; contact not needed', { accountId, workflowId, channel, templateId });
        return { outcome: 'NOT_NEEDED' };
      }
      if (!target.recipient) {
        const message = render(input, target, figures, about);
        const row = await recordContactAttempt(pool, {
          idempotencyKey,
          accountId,
          borrowerId: target.borrowerId,
          workflowId,
          channel,
          templateId: message.templateId,
          templateVersion: message.version,
          renderedText: message.text,
          status: 'FAILED',
          provider: 'none',
          providerMessageId: null,
        });
        await completeStepAttempt(pool, row.id, { attemptedAt: new Date(input.at) });
        log.warn('no contact point for the channel; contact not made', { accountId, workflowId, channel, contactAttemptId: row.id });
        return { outcome: 'NO_CONTACT_METHOD', contactAttemptId: row.id };
      }

      const at = new Date(input.at);
      const request = { borrowerId: target.borrowerId, accountId, channel, to: target.recipient, at, idempotencyKey, blockKey: `${idempotencyKey}@${at.toISOString()}` };
      const permit = await withContactPermit(pool, request, policies, async (p) => {
        // Once more under the borrower's lock, the last moment before the record: a payment may have landed.
        const latest = await loadAccountFigures(p.db, accountId, asOf);
        if (!latest || !needed(latest, await negotiationMessageContext(p.db, input))) return undefined;
        return writeStep(p, input, target, render(input, target, latest, about));
      });
      if (!permit.allowed) {
        log.info('contact blocked by the contact policy', { accountId, workflowId, channel, rule: permit.rule, nextAllowedAt: permit.nextAllowedAt });
        return { outcome: 'BLOCKED', rule: permit.rule, reason: permit.reason, nextAllowedAt: permit.nextAllowedAt };
      }
      const written = permit.value;
      if (!written) {
        log.info('nothing overdue any more; contact not needed', { accountId, workflowId, channel, templateId });
        return { outcome: 'NOT_NEEDED' };
      }
      if (written.kind === 'call') {
        const { task } = written;
        log.info('call task opened', { accountId, workflowId, taskId: task.taskId, assignedAgent: task.assignedAgent, contactAttemptId: written.attemptId });
        return { outcome: 'CALL_TASK_OPENED', contactAttemptId: written.attemptId, taskId: task.taskId, assignedAgent: task.assignedAgent, dueBy: task.dueBy.toISOString() };
      }
      if (!(await handOff(input, written.recorded, target.recipient))) return { outcome: 'NO_CONTACT_METHOD', contactAttemptId: written.recorded.attemptId };
      log.info('contact sent', { accountId, workflowId, channel, templateId, contactAttemptId: written.recorded.attemptId });
      return { outcome: 'SENT', contactAttemptId: written.recorded.attemptId };
    },

    /** Closes the task if still OPEN; a task already DONE stays DONE. Returns its status after. */
    async closeCallTask({ taskId, status, at }: CloseCallTaskInput): Promise<{ status: 'DONE' | 'EXPIRED' | 'CANCELLED' }> {
      const after = await closeOpenCallTask(pool, taskId, status, new Date(at));
      if (after === undefined) throw ApplicationFailure.create({ type: FailureType.UnknownCallTask, message: `no call task ${taskId}`, nonRetryable: true });
      if (after === 'OPEN') throw new Error(`call task ${taskId} is still open after closing it`);
      return { status: after };
    },
  };
}

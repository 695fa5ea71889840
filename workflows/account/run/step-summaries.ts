/**
 * Readable one-line summaries of the run's timers and activities for the Temporal UI's
 * event history (issue 15 §3): what each wait or step is for, in the domain's words, with
 * no personal data (channels, template ids, promise ids, instants). A summary travels in the
 * command's user metadata, which replay does not compare.
 */
import type { ActivityOptions } from '@temporalio/workflow';
import type { PendingPromise } from '../../../src/domain/early-collection';
import type { NextStep } from '../contract';

/** The cadence's wait: for the next step the run has planned. */
export const cadenceWaitSummary = (next: NextStep | null) => (next ? `wait for the next step: ${next.action} (${next.at})` : 'wait in the cadence');

/** The wait for a promise to pay's check. */
export const promiseCheckSummary = (promise: PendingPromise) => `wait for promise ${promise.promiseId} (${promise.promisedFor}) to be judged at ${promise.checkAt}`;

/** One contact of the borrower: the channel and template, and which attempt. */
export function contactStepOptions(options: ActivityOptions, contact: { channel: string; templateId: string; attempt: number; appointmentId?: number }): ActivityOptions {
  const about = contact.appointmentId === undefined ? '' : ` about appointment ${contact.appointmentId}`;
  return { ...options, summary: `${contact.channel} ${contact.templateId}${about}, attempt ${contact.attempt + 1}` };
}

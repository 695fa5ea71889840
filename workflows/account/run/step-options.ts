/**
 * How an account run's activities are scheduled, the same in every generation of
 * accountCollection: one retry policy (business failures are not retried), a minute for a
 * step that reaches outside, and short Postgres steps as local activities.
 */
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES } from '../../../src/domain/failures';

export const accountStepRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE_FAILURES };

/** A step that reaches an outside provider: its own timeouts and retries, visible as its own task. */
export const outsideStepOptions: ActivityOptions = { startToCloseTimeout: '1 minute', retry: accountStepRetry };

/** A short, idempotent Postgres step run inside the workflow task. Past a minute of retries the SDK backs off with a durable timer instead of spinning in one task. */
export const databaseStepOptions: LocalActivityOptions = { startToCloseTimeout: '30 seconds', localRetryThreshold: '1 minute', retry: accountStepRetry };

/** A short Postgres step as a regular activity: its place in history fixed when scheduled (for steps that run beside others). */
export const postgresStepOptions: ActivityOptions = { startToCloseTimeout: '30 seconds', retry: accountStepRetry };

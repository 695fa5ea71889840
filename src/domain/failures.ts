/**
 * Non-retryable business failure types, in one place: activities throw
 * ApplicationFailure with these types; workflows and retry policies name them.
 */
export const FailureType = {
  AccountNotFound: 'AccountNotFound',
  InvalidWorkflowInput: 'InvalidWorkflowInput',
  NoContactMethod: 'NoContactMethod',
  /** The worker lacks something an activity needs (e.g. a Temporal client): retrying cannot help. */
  WorkerMisconfigured: 'WorkerMisconfigured',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export const NON_RETRYABLE_FAILURES: string[] = Object.values(FailureType);

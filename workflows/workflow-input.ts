/**
 * A workflow's input, parsed with its zod schema before anything happens. A bad input
 * fails the start for good with a clear reason (which fields, not their values), rather
 * than a workflow guessing at what it was given.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { FailureType } from '../src/domain/failures';
import { describeIssues } from '../src/domain/payment-event';

export function parseWorkflowInput<S extends z.ZodType>(workflowType: string, schema: S, raw: unknown): z.output<S> {
  const input = schema.safeParse(raw);
  if (!input.success) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidWorkflowInput,
      message: `invalid ${workflowType} input: ${describeIssues(input.error).join('; ')}`,
      nonRetryable: true,
    });
  }
  return input.data;
}

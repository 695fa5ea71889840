/**
 * Workflow ids derive from the business id in one place (SPEC §8). Workflow-safe.
 */
import { z } from 'zod';

export const accountIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only');

export const WORKFLOW_ID_PREFIX = 'arrears-';

export function accountWorkflowId(accountId: string): string {
  return `${WORKFLOW_ID_PREFIX}${accountId}`;
}

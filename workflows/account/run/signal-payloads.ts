/**
 * A signal's payload is parsed with zod before its handler sees it (SPEC §7): a malformed
 * one is logged and ignored, never fails the workflow. The log names the issue paths and
 * codes, never the values: they may hold personal data.
 */
import { log, setHandler, type SignalDefinition } from '@temporalio/workflow';
import type { z } from 'zod';
import { describeIssues } from '../../../src/domain/payment-event';

export function setParsedSignalHandler<S extends z.ZodType>(
  signal: SignalDefinition<[z.input<S>]>,
  schema: S,
  accountId: string,
  handle: (payload: z.output<S>) => Promise<void>,
): void {
  setHandler(signal, async (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      log.warn(`${signal.name} signal ignored: malformed payload`, { accountId, issues: describeIssues(parsed.error) });
      return;
    }
    await handle(parsed.data);
  });
}

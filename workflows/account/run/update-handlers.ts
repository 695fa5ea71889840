/**
 * The skeleton of every update that stores something (SPEC §7, §8): the validator parses the
 * payload with zod and checks it against the run (throwing rejects it: nothing reaches
 * history); the handler parses again (the validator does not run on replay), stores, and
 * turns a failure to store into a non-retryable ApplicationFailure the caller reads, so the
 * update fails and the workflow never does. Signals have their twin in signal-payloads.ts.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { z } from 'zod';
import { parseOrReject } from '../../../src/domain/input-problems';

export interface StoringUpdate<S extends z.ZodType, Ret> {
  schema: S;
  /** Throws to reject the update: a payload that does not fit the run as it stands. */
  validate(payload: z.output<S>): void;
  /** Marks what is in flight, stores, and answers; undoes its marks itself when it throws. */
  store(payload: z.output<S>): Promise<Ret>;
  /** The failure's type and message when `store` throws. */
  notStored: { type: string; message: (err: unknown) => string };
}

export function setStoringUpdateHandler<S extends z.ZodType, Ret>(update: UpdateDefinition<Ret, [z.input<S>]>, steps: StoringUpdate<S, Ret>): void {
  setHandler(
    update,
    async (raw: z.input<S>): Promise<Ret> => {
      const payload = steps.schema.parse(raw);
      try {
        return await steps.store(payload);
      } catch (err) {
        throw ApplicationFailure.create({ type: steps.notStored.type, message: steps.notStored.message(err), nonRetryable: true });
      }
    },
    { validator: (raw: z.input<S>) => steps.validate(parseOrReject(update.name, steps.schema, raw)) },
  );
}

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The innermost cause's message (an activity's failure wraps the activity's own error). */
export function rootMessage(err: unknown): string {
  let e = err as { cause?: unknown; message?: string } | undefined;
  while (e && e.cause) e = e.cause as typeof e;
  return e?.message ?? String(err);
}

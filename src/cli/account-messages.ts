/**
 * What the staff commands (call-outcome, promise, hold, release-hold, cease-contact) share:
 * a Temporal client from the configuration, speaking through the same encryption as the
 * workers (ARREARS_CODEC_KEY, or the key `npm start` keeps under the data dir), and the
 * API's own logic (src/api/account-messages.ts) to send the message and sort its answer.
 */
import { codecKeysFrom } from '../codec/data-converter';
import { localCodecKey } from '../launcher/codec-key';
import { connectClient } from '../temporal/client';
import type { AccountMessageDeps, SignalOutcome, UpdateOutcome } from '../api/account-messages';
import { withCliContext } from './context';

/** Runs `body` with the database and a Temporal client, and closes both afterwards. */
export async function withAccountMessages<T>(body: (deps: AccountMessageDeps) => Promise<T>): Promise<T> {
  return withCliContext(async ({ pool, cfg }) => {
    const key = cfg.ARREARS_CODEC_KEY ? { keyId: cfg.ARREARS_CODEC_KEY_ID, key: cfg.ARREARS_CODEC_KEY } : localCodecKey(cfg.ARREARS_DATA_DIR, cfg.ARREARS_CODEC_KEY_ID);
    const codecKeys = codecKeysFrom({ ...cfg, ARREARS_CODEC_KEY: key.key, ARREARS_CODEC_KEY_ID: key.keyId });
    const temporal = await connectClient({ address: cfg.TEMPORAL_ADDRESS, namespace: cfg.TEMPORAL_NAMESPACE, codecKeys });
    try {
      return await body({ pool, temporal });
    } finally {
      await temporal.connection.close();
    }
  });
}

/** The answer, or the refusal thrown as an error (`arrears` prints it and exits with code 1). */
export function answerOf<T>(outcome: UpdateOutcome<T>): T;
export function answerOf(outcome: SignalOutcome): { workflowId: string };
export function answerOf<T>(outcome: UpdateOutcome<T> | SignalOutcome): T | { workflowId: string } {
  switch (outcome.kind) {
    case 'DONE':
      return outcome.result;
    case 'SENT':
      return { workflowId: outcome.workflowId };
    case 'INVALID':
      throw new Error(`refused: ${outcome.issues.join('; ')}`);
    default:
      throw new Error(`refused: ${outcome.error}`);
  }
}

export { optionsOf } from './options';

export const writeLine = (line: string) => process.stdout.write(`${line}\n`);

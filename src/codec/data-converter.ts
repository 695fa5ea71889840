/**
 * The one data converter, shared by the client, the worker, the replay tests and
 * the codec endpoint: JSON payloads, then encrypted by the EncryptionCodec.
 */
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { type CodecKey, EncryptionCodec } from './encryption-codec';

export interface CodecKeys {
  current: CodecKey;
  previous: CodecKey[];
}

export function codecKeysFrom(cfg: Pick<Config, 'ARREARS_CODEC_KEY' | 'ARREARS_CODEC_KEY_ID' | 'ARREARS_CODEC_PREVIOUS_KEYS'>): CodecKeys {
  if (!cfg.ARREARS_CODEC_KEY) {
    throw new Error('ARREARS_CODEC_KEY is not set: payloads are always encrypted (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)');
  }
  return { current: { keyId: cfg.ARREARS_CODEC_KEY_ID, key: cfg.ARREARS_CODEC_KEY }, previous: cfg.ARREARS_CODEC_PREVIOUS_KEYS };
}

export function createEncryptionCodec(keys: CodecKeys): EncryptionCodec {
  return new EncryptionCodec(keys.current, keys.previous);
}

export function createDataConverter(keys: CodecKeys): DataConverter {
  return { payloadCodecs: [createEncryptionCodec(keys)] };
}

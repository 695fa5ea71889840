/**
 * Encrypts every payload before it reaches Temporal (SPEC §5): AES-256-GCM over the
 * whole serialized payload, a fresh 96-bit IV each time, the key id in the metadata
 * so keys can rotate: new payloads use the current key, old ones still decrypt
 * with a previous key that is kept configured.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
/**
 * The account a payload belongs to, in the clear beside the ciphertext: an id, not personal
 * data. The codec endpoint logs each decode against it (the personal-data access log).
 */
export const ACCOUNT_ID_METADATA = 'arrears-account-id';
const ACCOUNT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The top-level `accountId` of a JSON payload (workflow input, messages, most results), if any. */
function accountIdOf(payload: Payload): string | undefined {
  if (Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() !== 'json/plain' || !payload.data) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload.data).toString());
    const id = typeof value === 'object' && value !== null && 'accountId' in value ? value.accountId : undefined;
    return typeof id === 'string' && ACCOUNT_ID.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A payload this codec cannot decrypt: its key is not configured, or it does not
 * authenticate. Its own class, so a caller that can rebuild what it reads (the screening
 * schedule) tells it from other failures.
 */
export class PayloadDecryptionError extends ValueError {}

export interface CodecKey {
  keyId: string;
  /** base64 of exactly 32 bytes */
  key: string;
}

function keyBytes({ keyId, key }: CodecKey): Buffer {
  const bytes = Buffer.from(key, 'base64');
  if (bytes.length !== 32) throw new ValueError(`codec key ${keyId} must be base64 of 32 bytes (got ${bytes.length})`);
  return bytes;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentKeyId: string;

  /** `current` encrypts; `previous` keys only decrypt (rotation). */
  constructor(current: CodecKey, previous: CodecKey[] = []) {
    for (const k of [current, ...previous]) this.keys.set(k.keyId, keyBytes(k));
    this.currentKeyId = current.keyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId) as Buffer;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      const accountId = accountIdOf(payload);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: Buffer.from(this.currentKeyId),
          ...(accountId ? { [ACCOUNT_ID_METADATA]: Buffer.from(accountId) } : {}),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[METADATA_KEY_ID];
      if (!keyIdBytes) throw new PayloadDecryptionError('encrypted payload has no key id');
      const keyId = Buffer.from(keyIdBytes).toString();
      const key = this.keys.get(keyId);
      if (!key) throw new PayloadDecryptionError(`no codec key ${keyId} is configured to decrypt this payload`);
      const data = Buffer.from(payload.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch (err) {
        throw new PayloadDecryptionError(`encrypted payload does not authenticate under codec key ${keyId} (altered, or written under another key of that id)`, err);
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

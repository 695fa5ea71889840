import { randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { decodeFromPayloadsAtIndex, encodeToPayloads, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { newCodecKeys } from '../../test/support';
import { createDataConverter } from './data-converter';
import { ENCRYPTED_ENCODING, EncryptionCodec, METADATA_KEY_ID, PayloadDecryptionError } from './encryption-codec';

const key = (keyId: string) => ({ keyId, key: randomBytes(32).toString('base64') });

const borrowerPayload = (): Payload => ({
  metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain'), note: Buffer.from('kept as is') },
  data: Buffer.from(JSON.stringify({ accountId: 'ACC-1', fullName: 'Zhang Wei', amountOverdue: 123_45 })),
});

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString();

describe('EncryptionCodec', () => {
  it('restores the exact payload, metadata and data, after an encode/decode round trip', async () => {
    const codec = new EncryptionCodec(key('k1'));
    const original = borrowerPayload();
    const [decoded] = await codec.decode(await codec.encode([original]));
    expect(decoded?.metadata).toEqual(original.metadata);
    expect(Buffer.from(decoded?.data ?? [])).toEqual(original.data);
  });

  it('marks the payload as encrypted under the current key id and hides the plaintext', async () => {
    const codec = new EncryptionCodec(key('current-key'), [key('old-key')]);
    const original = borrowerPayload();
    const [encoded] = await codec.encode([original]);
    expect(text(encoded?.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded?.metadata?.[METADATA_KEY_ID])).toBe('current-key');
    expect(Buffer.from(encoded?.data ?? []).includes(Buffer.from(original.data as Uint8Array))).toBe(false);
    expect(Buffer.from(encoded?.data ?? []).includes('Zhang Wei')).toBe(false);
  });

  it('uses a fresh IV each time: the same payload encrypts differently twice', async () => {
    const codec = new EncryptionCodec(key('k1'));
    const [first] = await codec.encode([borrowerPayload()]);
    const [second] = await codec.encode([borrowerPayload()]);
    expect(Buffer.from(first?.data ?? [])).not.toEqual(Buffer.from(second?.data ?? []));
  });

  it('after a rotation, still decrypts payloads written under a previous key', async () => {
    const a = key('key-a');
    const [oldPayload] = await new EncryptionCodec(a).encode([borrowerPayload()]);
    const rotated = new EncryptionCodec(key('key-b'), [a]);
    const [decoded] = await rotated.decode([oldPayload as Payload]);
    expect(text(decoded?.data)).toContain('Zhang Wei');
    const [fresh] = await rotated.encode([borrowerPayload()]);
    expect(text(fresh?.metadata?.[METADATA_KEY_ID])).toBe('key-b');
  });

  it('refuses a payload whose key is not configured, naming the key id', async () => {
    const [encoded] = await new EncryptionCodec(key('retired-key')).encode([borrowerPayload()]);
    const refused = new EncryptionCodec(key('key-b')).decode([encoded as Payload]);
    await expect(refused).rejects.toThrow(/retired-key/);
    await expect(refused).rejects.toBeInstanceOf(PayloadDecryptionError);
  });

  it('refuses a tampered ciphertext (GCM authentication)', async () => {
    const codec = new EncryptionCodec(key('k1'));
    const [encoded] = await codec.encode([borrowerPayload()]);
    const data = Buffer.from(encoded?.data ?? []);
    data[20] = (data[20] as number) ^ 0x01; // a byte of the ciphertext, past the 12-byte IV
    const refused = codec.decode([{ ...encoded, data }]);
    await expect(refused).rejects.toThrow(/does not authenticate under codec key k1/);
    await expect(refused).rejects.toBeInstanceOf(PayloadDecryptionError);
  });

  it('passes an unencrypted payload through decode untouched', async () => {
    const plain = borrowerPayload();
    const [decoded] = await new EncryptionCodec(key('k1')).decode([plain]);
    expect(decoded).toBe(plain);
  });

  it('refuses a key that is not 32 bytes at construction', () => {
    expect(() => new EncryptionCodec({ keyId: 'short', key: randomBytes(16).toString('base64') })).toThrow(/short.*32 bytes/);
    expect(() => new EncryptionCodec(key('ok'), [{ keyId: 'old-short', key: 'AAAA' }])).toThrow(/old-short/);
  });
});

describe('the data converter', () => {
  it('round-trips a value with a personal name, which never appears in the encoded bytes', async () => {
    const converter = loadDataConverter(createDataConverter(newCodecKeys()));
    const borrower = { borrowerId: 'B-1', fullName: 'Li Na', mobilePhone: '+8613912345678' };
    const payloads = (await encodeToPayloads(converter, borrower)) ?? [];
    expect(payloads).toHaveLength(1);
    const encoded = Buffer.concat(payloads.flatMap((p) => [p.data ?? new Uint8Array(), ...Object.values(p.metadata ?? {})]));
    expect(encoded.includes('Li Na')).toBe(false);
    expect(encoded.includes('+8613912345678')).toBe(false);
    expect(await decodeFromPayloadsAtIndex(converter, 0, payloads)).toEqual(borrower);
  });
});

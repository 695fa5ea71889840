/**
 * The payload-encryption key for local runs: ARREARS_CODEC_KEY when set; otherwise
 * one generated on the first start and kept (0600) under the data dir, so the
 * workflows of earlier runs stay readable.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CodecKey } from '../codec/encryption-codec';

const storedKey = z.object({ keyId: z.string().min(1), key: z.string().min(1) });

export function localCodecKey(dataDir: string, keyId: string): CodecKey {
  const file = path.join(dataDir, 'codec-key.json');
  if (fs.existsSync(file)) return storedKey.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const key: CodecKey = { keyId, key: randomBytes(32).toString('base64') };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';

/**
 * Encryption at rest for secrets Pulse must read back (webhook signing secrets, provider API
 * keys): AES-256-GCM, a fresh 96-bit nonce per value, the tag authenticating it. A sealed value
 * is `v1.<base64 nonce|tag|ciphertext>`; a tampered or foreign value fails to open.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const VERSION = 'v1.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('a secret box needs a 32-byte key');
  return {
    seal(plain) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return VERSION + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(VERSION)) throw new Error('not a sealed secret');
      const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The server's box. Its key is SHA-256 of PULSE_SECRET_KEY (every replica must share it); without
 * it, a random key kept in DATA_DIR/secret.key (mode 0600), created on first use — enough for the
 * embedded database, whose data lives in the same directory (docs/API_SPEC.md §6).
 */
export function serverSecretBox(config: Pick<Config, 'secretKey' | 'dataDir'>): SecretBox {
  if (config.secretKey !== undefined) return secretBox(createHash('sha256').update(config.secretKey).digest());
  const file = path.join(config.dataDir, 'secret.key');
  try {
    return secretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  mkdirSync(config.dataDir, { recursive: true });
  // 'wx': two processes starting together cannot overwrite each other's key.
  try {
    writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return secretBox(key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return secretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }
}

/** A box made on first use: a server that never seals or opens a secret never creates a key file. */
export function lazySecretBox(make: () => SecretBox): SecretBox {
  let box: SecretBox | undefined;
  return {
    seal: (plain) => (box ??= make()).seal(plain),
    open: (sealed) => (box ??= make()).open(sealed),
  };
}

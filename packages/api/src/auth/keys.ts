import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API keys look like `pk_<43 base64url chars>`: 256 bits of randomness. */
const KEY_PREFIX = 'pk_';
const VISIBLE_PREFIX_LENGTH = 10;

export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashKey(key), prefix: key.slice(0, VISIBLE_PREFIX_LENGTH) };
}

// crypto.hash, one call per digest: a Hash object per digest cost more than the digest of a key
// itself, on every request (docs/BENCHMARKS.md, "The cached hit's own work").
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** Constant-time comparison of two secrets through their SHA-256 digests (equal lengths always). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(hash('sha256', a, 'buffer'), hash('sha256', b, 'buffer'));
}

/** The bearer token of an Authorization header, or undefined when absent or malformed. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

import { type Database, schema } from '@pulse/db';
import type { KeyScope } from '@pulse/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { hashKey, secretsEqual } from './keys.js';

export interface KeyOwner {
  keyId: string;
  workspaceId: string;
  scopes: readonly KeyScope[];
}

/** Writes last_used_at at most this often per key, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export class KeyStore {
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly database: Database) {}

  /** The workspace of an active key, or undefined for an unknown or revoked key. */
  async authenticate(key: string): Promise<KeyOwner | undefined> {
    const hash = hashKey(key);
    const [row] = await this.database.db
      .select({ id: schema.apiKeys.id, workspaceId: schema.apiKeys.workspaceId, keyHash: schema.apiKeys.keyHash, scopes: schema.apiKeys.scopes })
      .from(schema.apiKeys)
      .where(and(eq(schema.apiKeys.keyHash, hash), isNull(schema.apiKeys.revokedAt)))
      .limit(1);
    // The index lookup is by hash; the final check is constant-time all the same.
    if (!row || !secretsEqual(row.keyHash, hash)) return undefined;
    this.touch(row.id);
    return { keyId: row.id, workspaceId: row.workspaceId, scopes: row.scopes };
  }

  private touch(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now);
    if (this.lastTouched.size > 10_000) this.lastTouched.clear();
    // Fire and forget: a lost last_used_at update must never fail a request.
    void this.database.db
      .update(schema.apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(schema.apiKeys.id, keyId))
      .catch(() => undefined);
  }
}

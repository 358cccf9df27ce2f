import { type Database, schema } from '@pulse/db';
import type { KeyScope } from '@pulse/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { revokeKey } from '../admin/workspaces.js';
import type { LiveBus } from '../live/live-bus.js';
import { KeyCache } from './key-cache.js';
import { hashKey, secretsEqual } from './keys.js';

export interface KeyOwner {
  keyId: string;
  workspaceId: string;
  scopes: readonly KeyScope[];
}

/** Writes last_used_at at most this often per key, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Authenticates API keys: through the database, or the cache of keys this process has
 * authenticated recently (key-cache.ts). Every change to a workspace's keys is announced on the
 * bus, so every replica forgets them within a second (docs/API_SPEC.md §1).
 */
export class KeyStore {
  private readonly lastTouched = new Map<string, number>();
  private readonly cache: KeyCache;

  constructor(
    private readonly database: Database,
    private readonly bus: LiveBus,
  ) {
    this.cache = new KeyCache(() => bus.hearsOthers());
    bus.onKeyChange((workspaceId) => this.cache.forget(workspaceId));
  }

  /** The workspace of an active key, or undefined for an unknown or revoked key. */
  async authenticate(key: string): Promise<KeyOwner | undefined> {
    const hash = hashKey(key);
    const known = this.cache.get(hash);
    // Found by its hash, checked in constant time all the same, as a database row is.
    if (known && secretsEqual(known.keyHash, hash)) {
      this.touch(known.owner.keyId);
      return known.owner;
    }
    const generation = this.cache.generation;
    const [row] = await this.database.db
      .select({ id: schema.apiKeys.id, workspaceId: schema.apiKeys.workspaceId, keyHash: schema.apiKeys.keyHash, scopes: schema.apiKeys.scopes })
      .from(schema.apiKeys)
      .where(and(eq(schema.apiKeys.keyHash, hash), isNull(schema.apiKeys.revokedAt)))
      .limit(1);
    // The index lookup is by hash; the final check is constant-time all the same.
    if (!row || !secretsEqual(row.keyHash, hash)) return undefined;
    const owner: KeyOwner = { keyId: row.id, workspaceId: row.workspaceId, scopes: row.scopes };
    this.cache.set(hash, owner, generation);
    this.touch(row.id);
    return owner;
  }

  /** Revokes a workspace's active key, on every replica; false when the workspace has no active key with that id. */
  async revoke(workspaceId: string, keyId: string): Promise<boolean> {
    const revoked = await revokeKey(this.database.db, workspaceId, keyId);
    if (revoked) this.bus.publishKeyChange(workspaceId);
    return revoked;
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

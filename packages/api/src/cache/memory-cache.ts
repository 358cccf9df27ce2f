import { LRUCache } from 'lru-cache';
import type { Cache, VersionedKey } from './cache.js';

/** In-process LRU, used when REDIS_URL is unset (one process: the embedded default). */
export class MemoryCache implements Cache {
  readonly kind = 'memory' as const;
  readonly redisCommand = undefined;
  readonly leases = undefined;
  private readonly entries: LRUCache<string, string>;
  private readonly versions = new Map<string, number>();

  constructor(maxEntries = 5000) {
    this.entries = new LRUCache<string, string>({ max: maxEntries, ttlAutopurge: false });
  }

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async lookup(workspaceId: string, { before, after }: VersionedKey) {
    const key = `${before}${this.versions.get(workspaceId) ?? 0}${after}`;
    return { key, value: this.entries.get(key) };
  }

  async bumpVersion(workspaceId: string): Promise<void> {
    this.versions.set(workspaceId, (this.versions.get(workspaceId) ?? 0) + 1);
  }

  state(): 'ok' {
    return 'ok';
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

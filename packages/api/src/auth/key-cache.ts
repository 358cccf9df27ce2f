import { LRUCache } from 'lru-cache';
import type { KeyOwner } from './key-store.js';

/** How long an authenticated key is trusted without asking the database, while key changes are heard. */
export const TRUSTED_MS = 30_000;
/** The same while other replicas' key changes may go unheard (Redis down): the whole revocation delay allowed (docs/API_SPEC.md §1). */
export const TRUSTED_DEAF_MS = 1000;

interface Entry {
  owner: KeyOwner;
  keyHash: string;
  storedAt: number;
}

/**
 * Keys this process has authenticated, by their hash (never the key itself), so a request does
 * not wait for the database. Only successes are kept: an unknown key is looked up every time,
 * and a guess costs what it did. An entry is trusted for TRUSTED_MS while `hearsChanges()`
 * (every key change reaches this process, which forgets the workspace's entries), else only
 * for TRUSTED_DEAF_MS.
 *
 * A lookup that started before a change must not store what it read: `generation` counts the
 * changes, and `set` refuses an answer read under an older one.
 */
export class KeyCache {
  private readonly entries = new LRUCache<string, Entry>({ max: 10_000 });
  private changes = 0;

  constructor(
    private readonly hearsChanges: () => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** What `set` must be given back: the changes seen when the lookup started. */
  get generation(): number {
    return this.changes;
  }

  get(keyHash: string): Entry | undefined {
    const entry = this.entries.get(keyHash);
    if (!entry) return undefined;
    const trustedMs = this.hearsChanges() ? TRUSTED_MS : TRUSTED_DEAF_MS;
    if (this.now() - entry.storedAt < trustedMs) return entry;
    this.entries.delete(keyHash);
    return undefined;
  }

  set(keyHash: string, owner: KeyOwner, generation: number): void {
    if (generation !== this.changes) return;
    this.entries.set(keyHash, { owner, keyHash, storedAt: this.now() });
  }

  /** Forgets the keys of a workspace, or every key when undefined (changes may have been missed). */
  forget(workspaceId: string | undefined): void {
    this.changes++;
    if (workspaceId === undefined) {
      this.entries.clear();
      return;
    }
    const hashes = [...this.entries.entries()].filter(([, entry]) => entry.owner.workspaceId === workspaceId).map(([hash]) => hash);
    for (const hash of hashes) this.entries.delete(hash);
  }
}

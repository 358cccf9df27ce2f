/** A raw command on a Redis connection; rejects at once while Redis is down. */
export type RedisCommand = (name: string, ...args: string[]) => Promise<unknown>;

/** Where an answer is stored: `${before}${version}${after}`, with the workspace's data version in the middle. */
export interface VersionedKey {
  before: string;
  after: string;
}

/**
 * What a replica that missed learns when it asks for the answer's lease: the answer, stored
 * meanwhile by another replica; the lease itself (its token), so it computes; or that another
 * replica holds it and is computing.
 */
export type LeaseClaim = { answer: string } | { token: string } | 'held';

/**
 * Short leases on cache keys in Redis, so that one replica computes a missing answer while the
 * others wait for it (single flight across replicas).
 */
export interface AnswerLeases {
  /** How long a lease lasts, and so the longest a waiter waits before computing itself. */
  readonly leaseMs: number;
  /** The answer at `key`, else its lease if free; undefined when Redis cannot tell (compute without one). */
  claim(key: string): Promise<LeaseClaim | undefined>;
  /** Stores the answer and gives the lease back if it is still ours, in one round trip. */
  fulfil(key: string, token: string, value: string, ttlSeconds: number): Promise<void>;
  /** Gives the lease back if it is still ours (the computation failed): a waiter takes it over. */
  release(key: string, token: string): Promise<void>;
}

/**
 * The analytics cache. Keys carry the workspace's data version, which every write bumps,
 * so an answer is never served stale after an ingest or a budget change.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  /** A cached value, or undefined on a miss or when the cache is unavailable. */
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Drops an entry (one that turned out unreadable); a failure only costs another recompute. */
  delete(key: string): Promise<void>;
  /**
   * The workspace's data version put in `key`, and the entry stored there, read together (one
   * round trip to Redis); undefined when the cache cannot tell the version (then the caller must
   * not cache).
   */
  lookup(workspaceId: string, key: VersionedKey): Promise<{ key: string; value: string | undefined } | undefined>;
  bumpVersion(workspaceId: string): Promise<void>;
  /** `ok`, or `degraded` while the backing store is unreachable. */
  state(): 'ok' | 'degraded';
  close(): Promise<void>;
  /**
   * The cache's Redis connection, for other state every replica must share (the rate
   * limiter's counters); undefined for an in-process cache.
   */
  readonly redisCommand: RedisCommand | undefined;
  /** Leases shared by every replica (Redis); undefined for an in-process cache, whose own single flight is enough. */
  readonly leases: AnswerLeases | undefined;
}

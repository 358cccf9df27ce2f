import { Redis, ReplyError } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Cache, RedisCommand, VersionedKey } from './cache.js';
import { RedisLeases } from './redis-leases.js';

const EPOCH_KEY = 'pulse:cache:epoch';
const versionKey = (workspaceId: string) => `pulse:ver:${workspaceId}`;
/** What INCR can count from: a signed 64-bit integer, kept well below its limit. */
const COUNTER = /^(0|[1-9]\d{0,17})$/;

/**
 * The epoch, the workspace's version and the entry keyed with both, in one round trip instead of
 * two (the versions, then the entry). The counters are checked by the caller, as `counter` does.
 */
const LOOKUP_SCRIPT = `
local epoch = redis.call('GET', KEYS[1]) or '0'
local version = redis.call('GET', KEYS[2]) or '0'
return { epoch, version, redis.call('GET', ARGV[1] .. epoch .. '.' .. version .. ARGV[2]) }`;

type LookupScript = (epochKey: string, versionKey: string, before: string, after: string) => Promise<[string, string, string | null]>;

/**
 * Redis cache shared by every api replica. While Redis is unreachable every call answers
 * at once as a miss (no offline queue), the outage is logged once, and ioredis reconnects
 * by itself. After a reconnect the global epoch is bumped: versions bumped during the
 * outage were lost, so every entry cached before it must be ignored.
 */
export class RedisCache implements Cache {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly lookupScript: LookupScript;
  private healthy = false;
  private everConnected = false;
  private outageLogged = false;
  /** The shared connection (no offline queue: fails at once while Redis is down). */
  readonly redisCommand: RedisCommand = (name, ...args) => this.redis.call(name, ...args);
  readonly leases: RedisLeases;

  /** `leaseMs`: how long one replica computes a missing answer before the others stop waiting for it. */
  constructor(url: string, private readonly logger: Logger, leaseMs: number) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      commandTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      lazyConnect: false,
    });
    this.redis.defineCommand('pulseLookup', { numberOfKeys: 2, lua: LOOKUP_SCRIPT });
    const scripted = this.redis as unknown as { pulseLookup: LookupScript };
    this.lookupScript = (...args) => scripted.pulseLookup(...args);
    this.leases = new RedisLeases(this.redis, leaseMs, () => this.healthy);
    this.redis.on('ready', () => {
      if (this.everConnected) {
        this.logger.info('redis cache reconnected');
        void this.redis.incr(EPOCH_KEY).catch(() => undefined);
      }
      this.everConnected = true;
      this.healthy = true;
      this.outageLogged = false;
    });
    this.redis.on('error', (err: Error) => {
      // Once per outage, not once per retry.
      if (!this.outageLogged) this.logger.warn({ err: err.message }, 'redis cache unavailable; serving uncached');
      this.outageLogged = true;
      this.healthy = false;
    });
    this.redis.on('end', () => {
      this.healthy = false;
    });
  }

  /** Waits (bounded) for the first connection, so a fresh server starts with a warm path. */
  async ready(timeoutMs = 2000): Promise<void> {
    if (this.healthy) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async get(key: string): Promise<string | undefined> {
    if (!this.healthy) return undefined;
    try {
      return (await this.redis.get(key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (!this.healthy) return;
    try {
      await this.redis.set(key, value, 'EX', ttlSeconds);
    } catch {
      // A failed cache write only costs a later miss.
    }
  }

  async delete(key: string): Promise<void> {
    if (!this.healthy) return;
    try {
      await this.redis.del(key);
    } catch {
      // Left in place it is refused again on the next read, and expires with its TTL.
    }
  }

  async lookup(workspaceId: string, { before, after }: VersionedKey) {
    if (!this.healthy) return undefined;
    try {
      const [epoch, version, value] = await this.lookupScript(EPOCH_KEY, versionKey(workspaceId), before, after);
      if (COUNTER.test(epoch) && COUNTER.test(version)) return { key: `${before}${epoch}.${version}${after}`, value: value ?? undefined };
    } catch (err) {
      if (!(err instanceof ReplyError)) return undefined;
    }
    // A counter (or an entry) Redis cannot read as one: counters are replaced as `counter`
    // does, and the answer is computed anew under the fresh version.
    const version = await this.version(workspaceId);
    return version === undefined ? undefined : { key: `${before}${version}${after}`, value: undefined };
  }

  private async version(workspaceId: string): Promise<string | undefined> {
    if (!this.healthy) return undefined;
    try {
      const [epoch, version] = await Promise.all([this.counter(EPOCH_KEY), this.counter(versionKey(workspaceId))]);
      return `${epoch}.${version}`;
    } catch {
      return undefined;
    }
  }

  async bumpVersion(workspaceId: string): Promise<void> {
    try {
      await this.redis.incr(versionKey(workspaceId));
    } catch (err) {
      // Redis is down: nothing is served from it now, and the epoch bump on reconnect
      // retires whatever it held from before. Redis answered but could not count (the key
      // holds something else): replace it, so the bump still happens.
      if (err instanceof ReplyError) await this.replaceCounter(versionKey(workspaceId), (err as Error).message).catch(() => undefined);
    }
  }

  /**
   * A counter of the cache keys (epoch or a workspace's version): 0 while unset. One that holds
   * anything but an integer INCR can count on (written by hand, by another program, or a wrong
   * type) is replaced by a fresh value, which retires every entry keyed with the old one: a bad
   * counter is a bump, never a version stuck while the data changes.
   */
  private async counter(key: string): Promise<string> {
    let value: string | null;
    try {
      value = await this.redis.get(key);
    } catch (err) {
      if (!(err instanceof ReplyError)) throw err;
      return this.replaceCounter(key, (err as Error).message);
    }
    if (value === null) return '0';
    if (COUNTER.test(value)) return value;
    return this.replaceCounter(key, 'not an integer');
  }

  /**
   * A value no earlier counter of this key can have held: counters start at 0 and grow by one per
   * write, so the clock in microseconds lies far above any of them.
   */
  private async replaceCounter(key: string, reason: string): Promise<string> {
    const fresh = String(Date.now() * 1000 + Math.floor(Math.random() * 1000));
    this.logger.warn({ key, reason }, 'cache counter unreadable; replaced (every entry keyed with it is retired)');
    await this.redis.set(key, fresh);
    return fresh;
  }

  state(): 'ok' | 'degraded' {
    return this.healthy ? 'ok' : 'degraded';
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

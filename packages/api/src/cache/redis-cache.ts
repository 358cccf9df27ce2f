import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Cache, RedisCommand } from './cache.js';

const EPOCH_KEY = 'pulse:cache:epoch';

/**
 * Redis cache shared by every api replica. While Redis is unreachable every call answers
 * at once as a miss (no offline queue), the outage is logged once, and ioredis reconnects
 * by itself. After a reconnect the global epoch is bumped: versions bumped during the
 * outage were lost, so every entry cached before it must be ignored.
 */
export class RedisCache implements Cache {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private healthy = false;
  private everConnected = false;
  private outageLogged = false;
  /** The shared connection (no offline queue: fails at once while Redis is down). */
  readonly redisCommand: RedisCommand = (name, ...args) => this.redis.call(name, ...args);

  constructor(url: string, private readonly logger: Logger) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      commandTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      lazyConnect: false,
    });
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

  async version(workspaceId: string): Promise<string | undefined> {
    if (!this.healthy) return undefined;
    try {
      const [epoch, version] = await this.redis.mget(EPOCH_KEY, `pulse:ver:${workspaceId}`);
      return `${epoch ?? 0}.${version ?? 0}`;
    } catch {
      return undefined;
    }
  }

  async bumpVersion(workspaceId: string): Promise<void> {
    try {
      await this.redis.incr(`pulse:ver:${workspaceId}`);
    } catch {
      // Redis is down: nothing is served from it now, and the epoch bump on reconnect
      // retires whatever it held from before.
    }
  }

  state(): 'ok' | 'degraded' {
    return this.healthy ? 'ok' : 'degraded';
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

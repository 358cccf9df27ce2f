import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Cache } from './cache.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';

/** How long a lease lasts when statements have no time limit (STATEMENT_TIMEOUT_MS=0): its default. */
const UNBOUNDED_STATEMENT_LEASE_MS = 15_000;

/** Redis when REDIS_URL is set (shared by replicas), else an in-process LRU. */
export async function createCache(config: Pick<Config, 'redisUrl' | 'statementTimeoutMs'>, logger: Logger): Promise<Cache> {
  if (!config.redisUrl) return new MemoryCache();
  // A computation's statements end within the statement timeout, so a replica that died while
  // holding a lease keeps the others waiting no longer than one of them.
  const cache = new RedisCache(config.redisUrl, logger, config.statementTimeoutMs || UNBOUNDED_STATEMENT_LEASE_MS);
  await cache.ready();
  return cache;
}

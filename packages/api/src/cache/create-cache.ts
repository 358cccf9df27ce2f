import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Cache } from './cache.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';

/** Redis when REDIS_URL is set (shared by replicas), else an in-process LRU. */
export async function createCache(config: Config, logger: Logger): Promise<Cache> {
  if (!config.redisUrl) return new MemoryCache();
  const cache = new RedisCache(config.redisUrl, logger);
  await cache.ready();
  return cache;
}

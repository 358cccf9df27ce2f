import { type CacheClass, type CacheOutcome, cached } from '../cache/cached.js';
import type { Context } from './context.js';

/**
 * A procedure's answer through the workspace's cache, with the outcome in the X-Cache
 * response header (HIT, MISS, or BYPASS when the request asked to skip the cache).
 */
export function cachedAnswer<T>(
  ctx: Context & { workspaceId: string },
  name: string,
  input: Record<string, unknown>,
  kind: CacheClass,
  compute: () => Promise<T>,
): Promise<T> {
  const scope = { cache: ctx.cache, workspaceId: ctx.workspaceId, bypass: ctx.cacheBypass, onOutcome: (outcome: CacheOutcome) => ctx.res.setHeader('X-Cache', outcome) };
  return cached(scope, name, input, kind, compute);
}

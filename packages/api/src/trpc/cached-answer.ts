import type { z } from 'zod';
import { type CacheClass, type CacheOutcome, cached } from '../cache/cached.js';
import type { Context } from './context.js';

/**
 * A procedure's answer through the workspace's cache (a hit is checked against `schema`, the
 * procedure's output schema), with the outcome in the X-Cache
 * response header (HIT, MISS, or BYPASS when the request asked to skip the cache).
 */
export function cachedAnswer<S extends z.ZodType>(
  ctx: Context & { workspaceId: string },
  name: string,
  input: Record<string, unknown>,
  kind: CacheClass,
  schema: S,
  compute: () => Promise<z.input<S>>,
): Promise<z.input<S>> {
  const scope = { cache: ctx.cache, logger: ctx.logger, workspaceId: ctx.workspaceId, bypass: ctx.cacheBypass, onOutcome: (outcome: CacheOutcome) => ctx.res.setHeader('X-Cache', outcome) };
  return cached(scope, name, input, kind, schema, compute);
}

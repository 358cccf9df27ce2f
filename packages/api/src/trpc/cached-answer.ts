import type { z } from 'zod';
import { type CacheClass, type CacheOutcome, cached } from '../cache/cached.js';
import type { Context } from './context.js';
import { inKeyTurn } from './key-turn.js';

/**
 * A procedure's answer through the workspace's cache (an answer is checked against `schema`, the
 * procedure's output schema, before it is stored: cache/entry.ts), with the outcome in the X-Cache
 * response header (HIT, MISS, or BYPASS when the request asked to skip the cache). Computing an
 * answer takes one of its key's turns (cachedReadProcedure takes none for the lookup).
 */
export function cachedAnswer<S extends z.ZodType>(
  ctx: Context & { workspaceId: string },
  name: string,
  input: Record<string, unknown>,
  kind: CacheClass,
  schema: S,
  compute: () => Promise<z.input<S>>,
): Promise<z.input<S>> {
  const scope = {
    cache: ctx.cache,
    logger: ctx.logger,
    workspaceId: ctx.workspaceId,
    bypass: ctx.cacheBypass,
    onOutcome: (outcome: CacheOutcome) => ctx.res.setHeader('X-Cache', outcome),
    turn: <T>(task: (waited: boolean) => Promise<T>) => inKeyTurn(ctx, task),
  };
  return cached(scope, name, input, kind, schema, compute);
}

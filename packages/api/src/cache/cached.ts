import { createHash } from 'node:crypto';
import type { Context } from '../trpc/context.js';

export type CacheClass = 'overview' | 'detail';

/** TTLs of the issue: 5 min for overviews, 2 min for series and tables, 1 min for 1h windows. */
export function ttlFor(kind: CacheClass, input: { range?: string }): number {
  if (input.range === '1h') return 60;
  return kind === 'overview' ? 300 : 120;
}

function stableKey(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableKey(v)}`).join(',')}}`;
}

/**
 * The seed's @cached: every analytics procedure answers through this. The key holds the
 * workspace's data version, which every ingest and budget change bumps, so a cached
 * answer never outlives a write. Sets X-Cache: HIT|MISS.
 */
export async function cached<T>(
  ctx: Context & { workspaceId: string },
  name: string,
  input: Record<string, unknown>,
  kind: CacheClass,
  compute: () => Promise<T>,
): Promise<T> {
  const bypass = ctx.config.cacheBypassToken && ctx.req.headers['x-pulse-cache-bypass'] === ctx.config.cacheBypassToken;
  const version = bypass ? undefined : await ctx.cache.version(ctx.workspaceId);
  if (version === undefined) {
    ctx.res.setHeader('X-Cache', bypass ? 'BYPASS' : 'MISS');
    return compute();
  }
  // A preset window ends "now": its answer may be reused for at most a minute of clock
  // time, so its from/to stay close to the present whatever the TTL.
  const ttl = ttlFor(kind, input);
  const epoch = input.range && input.range !== 'custom' ? Math.floor(Date.now() / (Math.min(ttl, 60) * 1000)) : 0;
  const digest = createHash('sha1').update(`${epoch}|${stableKey(input)}`).digest('base64url');
  const key = `pulse:q:${ctx.workspaceId}:${version}:${name}:${digest}`;
  const hit = await ctx.cache.get(key);
  if (hit !== undefined) {
    ctx.res.setHeader('X-Cache', 'HIT');
    return JSON.parse(hit) as T;
  }
  const value = await compute();
  ctx.res.setHeader('X-Cache', 'MISS');
  await ctx.cache.set(key, JSON.stringify(value), ttl);
  return value;
}

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { bearerToken, hashKey } from '../auth/keys.js';
import type { Cache } from '../cache/cache.js';
import { RedisCache } from '../cache/redis-cache.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

const WINDOW_MS = 60_000;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // Malformed escapes: tRPC answers 404 for such a path itself.
  }
}

/** Which per-key budget a request draws on; the admin API (token, not key) draws on none. */
export type LimitClass = 'ingest' | 'query';

/**
 * Classifies a request mounted at /api/v1 or /trpc by its path. Everything that is not the
 * admin API or ingest counts as a query, so a new procedure is limited without a change here.
 * A tRPC batch (`/trpc/a.b,c.d`) draws on every class one of its procedures belongs to.
 */
export function limitClasses(req: Request): LimitClass[] {
  const path = req.path;
  if (req.baseUrl === '/trpc') {
    const names = safeDecode(path.slice(1)).split(',');
    const classes = new Set<LimitClass>();
    for (const name of names) {
      if (name.startsWith('admin.')) continue;
      classes.add(name.startsWith('ingest.') ? 'ingest' : 'query');
    }
    return [...classes];
  }
  if (path.startsWith('/admin/') || path === '/admin') return [];
  return [path === '/traces' ? 'ingest' : 'query'];
}

/**
 * After a failed SCRIPT LOAD (Redis down when the limiter started, or during an outage) the
 * store would keep the rejected promise forever and never count again; this loads the script
 * anew before the first increment after a failure.
 */
class RecoveringRedisStore extends RedisStore {
  private reloadScript = false;

  override async init(options: Parameters<RedisStore['init']>[0]) {
    try {
      await super.init(options);
    } catch (err) {
      this.reloadScript = true;
      throw err;
    }
  }

  override async increment(key: string) {
    if (this.reloadScript) {
      this.reloadScript = false;
      this.incrementScriptSha = this.loadIncrementScript();
    }
    try {
      return await super.increment(key);
    } catch (err) {
      this.reloadScript = true;
      throw err;
    }
  }
}

function storeFor(cache: Cache, limitClass: LimitClass): Store | undefined {
  // With REDIS_URL every replica counts in the same Redis keys; otherwise each process counts alone.
  if (!(cache instanceof RedisCache)) return undefined;
  return new RecoveringRedisStore({
    prefix: `pulse:rl:${limitClass}:`,
    sendCommand: (command: string, ...args: string[]) => cache.command(command, ...args) as Promise<RedisReply>,
  });
}

function limiter(limitClass: LimitClass, perMinute: number, cache: Cache, logger: Logger): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: storeFor(cache, limitClass),
    // Requests without a key are refused by authentication anyway and cost no lookup.
    skip: (req) => bearerToken(req.headers.authorization) === undefined,
    // The key's hash, never the key itself: it ends up in Redis and in RateLimit headers.
    keyGenerator: (req) => hashKey(bearerToken(req.headers.authorization) ?? ''),
    // A Redis outage must not take the API down with it: requests pass uncounted meanwhile.
    passOnStoreError: true,
    logger: {
      warn: (err: unknown, message?: string) => logger.warn({ err, limiter: limitClass }, message ?? 'rate limiter warning'),
      error: (err: unknown, message?: string) => logger.error({ err, limiter: limitClass }, message ?? 'rate limiter error'),
    },
    handler: (_req, res, _next, options) => {
      const retryAfter = res.getHeader('Retry-After');
      res.status(options.statusCode).json({
        code: 'TOO_MANY_REQUESTS',
        message: `Rate limit exceeded: at most ${perMinute} ${limitClass} requests per minute per API key; retry after ${retryAfter ?? 60} s`,
      });
    },
  });
}

/** Per-key limits of ingest and of queries (RATE_LIMIT_*_PER_MIN; 0 turns one off). */
export function rateLimits(config: Config, cache: Cache, logger: Logger): RequestHandler {
  const limiters: Partial<Record<LimitClass, RequestHandler>> = {};
  if (config.rateLimitIngestPerMin > 0) limiters.ingest = limiter('ingest', config.rateLimitIngestPerMin, cache, logger);
  if (config.rateLimitQueryPerMin > 0) limiters.query = limiter('query', config.rateLimitQueryPerMin, cache, logger);

  return (req: Request, res: Response, next: NextFunction) => {
    const chain = limitClasses(req)
      .map((c) => limiters[c])
      .filter((h): h is RequestHandler => h !== undefined);
    const step = (i: number): void => {
      if (i === chain.length) return next();
      void chain[i]!(req, res, (err?: unknown) => (err ? next(err) : step(i + 1)));
    };
    step(0);
  };
}

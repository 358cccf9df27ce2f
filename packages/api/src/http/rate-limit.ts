import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { RedisReply } from 'rate-limit-redis';
import { bearerToken, hashKey } from '../auth/keys.js';
import type { RedisCommand } from '../cache/cache.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { sendError } from './error-body.js';
import { type LimitClass, limitClasses } from './limit-classes.js';
import { RecoveringRedisStore } from './recovering-redis-store.js';

const WINDOW_MS = 60_000;

type RateLimitConfig = Pick<Config, 'rateLimitIngestPerMin' | 'rateLimitQueryPerMin'>;

function storeFor(redisCommand: RedisCommand | undefined, limitClass: LimitClass): Store | undefined {
  // With Redis every replica counts in the same keys; without it each process counts alone.
  if (!redisCommand) return undefined;
  return new RecoveringRedisStore({
    prefix: `pulse:rl:${limitClass}:`,
    sendCommand: (command: string, ...args: string[]) => redisCommand(command, ...args) as Promise<RedisReply>,
  });
}

function limiter(limitClass: LimitClass, perMinute: number, redisCommand: RedisCommand | undefined, logger: Logger): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: storeFor(redisCommand, limitClass),
    // Requests without a key are refused by authentication anyway and cost no lookup.
    skip: (req) => bearerToken(req.headers.authorization) === undefined,
    // The key's hash, never the key itself: it ends up in Redis and in RateLimit headers.
    keyGenerator: (req) => hashKey(bearerToken(req.headers.authorization) ?? ''),
    // A Redis outage must not take the API down with it: requests pass uncounted meanwhile.
    passOnStoreError: true,
    // A tRPC batch draws once per call it holds (docs/API_SPEC.md §1): counting one request
    // several times is meant here, not the double mounting this check warns about.
    validate: { singleCount: false },
    logger: {
      warn: (err: unknown, message?: string) => logger.warn({ err, limiter: limitClass }, message ?? 'rate limiter warning'),
      error: (err: unknown, message?: string) => logger.error({ err, limiter: limitClass }, message ?? 'rate limiter error'),
    },
    handler: (_req, res, _next, options) => {
      const retryAfter = res.getHeader('Retry-After');
      sendError(res, options.statusCode, {
        code: 'TOO_MANY_REQUESTS',
        message: `Rate limit exceeded: at most ${perMinute} ${limitClass} requests per minute per API key; retry after ${retryAfter ?? 60} s`,
      });
    },
  });
}

/**
 * Per-key limits of ingest and of queries (RATE_LIMIT_*_PER_MIN; 0 turns one off), counted
 * through `redisCommand` when there is a Redis connection, else in this process. Each
 * procedure call of a request is one count: the limiter runs once per call, so the first call
 * over the limit answers the 429 and the RateLimit headers show what the last count left.
 */
export function rateLimits(limits: RateLimitConfig, redisCommand: RedisCommand | undefined, logger: Logger): RequestHandler {
  const limiters: Partial<Record<LimitClass, RequestHandler>> = {};
  if (limits.rateLimitIngestPerMin > 0) limiters.ingest = limiter('ingest', limits.rateLimitIngestPerMin, redisCommand, logger);
  if (limits.rateLimitQueryPerMin > 0) limiters.query = limiter('query', limits.rateLimitQueryPerMin, redisCommand, logger);

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

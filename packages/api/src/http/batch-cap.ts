import { MAX_TRPC_BATCH_CALLS } from '@pulse/shared';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './error-body.js';
import { trpcCallNames } from './trpc-calls.js';

/**
 * Refuses a /trpc batch of more than MAX_TRPC_BATCH_CALLS calls, GET or POST, before any
 * procedure runs or the rate limit is drawn on (docs/API_SPEC.md §5): one request cannot
 * start an unbounded amount of work.
 */
export function rejectOversizedBatch(req: Request, res: Response, next: NextFunction): void {
  const calls = trpcCallNames(req.path).length;
  if (calls <= MAX_TRPC_BATCH_CALLS) return next();
  sendError(res, 400, {
    code: 'BAD_REQUEST',
    message: `A tRPC batch may hold at most ${MAX_TRPC_BATCH_CALLS} procedure calls; this one holds ${calls}`,
  });
}

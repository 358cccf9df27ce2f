import type { NextFunction, Request, Response } from 'express';

/**
 * The REST adapter (trpc-to-openapi 3.3) takes its input from the body express.json parsed,
 * but builds a fetch Request for each call only to take its abort signal, and @trpc/server
 * puts `JSON.stringify(req.body)` into that Request: a second copy of every body, serialised
 * and converted, that nothing reads (an ingest batch of 1,000 traces: ~10 % of what ingest
 * allocated, docs/BENCHMARKS.md "Heap growth"). A body whose toJSON gives undefined serialises
 * to nothing, so that Request has no body; the input the adapter spreads from it holds only its
 * own enumerable fields, which the hidden toJSON is not.
 */
export function parsedBodyOnce(req: Request, _res: Response, next: NextFunction) {
  const body: unknown = req.body;
  if (body !== null && typeof body === 'object') {
    Object.defineProperty(body, 'toJSON', { value: () => undefined, enumerable: false });
  }
  next();
}

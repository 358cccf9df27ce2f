import type { NextFunction, Request, Response } from 'express';

/**
 * A 204 carries no body, so no Content-Type either: trpc-to-openapi sets `application/json` on
 * every answer it sends (docs/API_SPEC.md §6, key revocation).
 */
export function noContentWithoutType(_req: Request, res: Response, next: NextFunction): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (res.statusCode === 204) res.removeHeader('Content-Type');
    return end(...args);
  }) as Response['end'];
  next();
}

import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';

/** A client's own request id is kept when it is this short and plain (docs/API_SPEC.md §1). */
const CLIENT_REQUEST_ID = /^[\w.-]{1,64}$/;

interface RequestLogLocals {
  requestId?: string;
  workspaceId?: string;
}

const locals = (res: Response) => res.locals as RequestLogLocals;

/** The id this request is logged under and answered with in X-Request-ID. */
export function requestIdOf(res: Response): string | undefined {
  return locals(res).requestId;
}

/** Names the workspace in the request's log line, once authentication has established it. */
export function noteWorkspace(res: Response, workspaceId: string): void {
  locals(res).workspaceId = workspaceId;
}

/**
 * One compact line per request when its response ends: method, route (the path without the
 * query string, which may carry user ids), status, duration in ms, request id and, when
 * known, the workspace; at warn level for a 503, error for any other 5xx. The request and response headers (several
 * KB with the security headers) only at debug, credentials redacted by the logger.
 * Health probes are not logged: they would drown everything else.
 */
export function requestLog(logger: Logger, quiet: (req: Request) => boolean = (req) => req.path === '/api/health'): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && CLIENT_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    locals(res).requestId = requestId;
    res.setHeader('X-Request-ID', requestId);
    if (quiet(req)) return next();

    const started = process.hrtime.bigint();
    res.once('close', () => {
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      const route = req.originalUrl.split('?', 1)[0]!;
      const { workspaceId } = locals(res);
      const line = {
        method: req.method,
        route,
        status: res.statusCode,
        duration_ms: durationMs,
        request_id: requestId,
        ...(workspaceId ? { workspace_id: workspaceId } : {}),
        // The client went away before the whole answer was written.
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      const message = `${req.method} ${route} ${res.statusCode} ${durationMs} ms`;
      // A 503 is the database's state, logged with its cause already; any other 5xx is a defect.
      const level = res.statusCode === 503 ? 'warn' : res.statusCode >= 500 ? 'error' : 'info';
      logger[level](line, message);
      if (logger.isLevelEnabled('debug')) {
        logger.debug({ request_id: requestId, req: { headers: req.headers }, res: { headers: res.getHeaders() } }, 'request headers');
      }
    });
    next();
  };
}

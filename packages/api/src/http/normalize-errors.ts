import type { ErrorBody, FieldIssue } from '@pulse/shared';
import type { NextFunction, Request, Response } from 'express';
import { describeIssues, errorBody } from './error-body.js';

/**
 * The body trpc-to-openapi writes: our error formatter's shape (its `data` holds the issues
 * already formatted), with `message`, `code` and raw zod `issues` written over it.
 */
interface AdapterErrorBody {
  code?: string;
  message?: string;
  /** Present only for input validation errors (raw zod issues). */
  issues?: unknown[];
  data?: { issues?: FieldIssue[]; stack?: string };
}

/**
 * Rewrites every REST error body of trpc-to-openapi into our error body. The adapter offers no
 * hook for its error body (it overwrites what tRPC's errorFormatter returns and says "Input
 * validation failed" with raw zod issues: https://github.com/mcampa/trpc-to-openapi/issues/168,
 * first reported as https://github.com/trpc/trpc-openapi/issues/440), so the body is rewritten
 * on its way out through `res.end`, the workaround given there.
 */
export function normalizeRestErrors(showStack: boolean) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (res.statusCode >= 400 && typeof chunk === 'string' && chunk.startsWith('{')) {
        try {
          const parsed = JSON.parse(chunk) as AdapterErrorBody;
          // Bodies without the adapter's `data` were made by errorBody already.
          if (parsed.data !== undefined) {
            chunk = JSON.stringify(restErrorBody(parsed, showStack));
            res.setHeader('Content-Length', Buffer.byteLength(chunk as string));
          }
        } catch {
          // Not JSON after all: leave it untouched.
        }
      }
      return end(chunk, ...rest);
    }) as Response['end'];
    next();
  };
}

function restErrorBody(body: AdapterErrorBody, showStack: boolean): ErrorBody {
  const issues = body.data?.issues;
  const inputValidation = body.issues !== undefined && issues !== undefined && issues.length > 0;
  return errorBody({
    code: String(body.code ?? 'ERROR'),
    message: inputValidation ? `Invalid request: ${describeIssues(issues)}` : String(body.message ?? 'Error'),
    issues,
    ...(showStack && body.data?.stack ? { stack: body.data.stack } : {}),
  });
}

import type { NextFunction, Request, Response } from 'express';
import type { FieldIssue } from './errors.js';
import { issuePath } from './errors.js';

interface AdapterErrorBody {
  code?: unknown;
  message?: unknown;
  issues?: Array<{ path?: PropertyKey[]; message?: string }>;
  data?: { stack?: string };
}

/**
 * trpc-to-openapi writes its own error bodies (a generic "Input validation failed", raw
 * zod issues, tRPC's shape). This rewrites every REST error into the contract's
 * `{ code, message, issues? }`, naming each offending field in the message too.
 */
export function normalizeRestErrors(showStack: boolean) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (res.statusCode >= 400 && typeof chunk === 'string' && chunk.startsWith('{')) {
        try {
          chunk = JSON.stringify(toContractError(JSON.parse(chunk) as AdapterErrorBody, showStack));
          res.setHeader('Content-Length', Buffer.byteLength(chunk as string));
        } catch {
          // Not JSON after all: leave it untouched.
        }
      }
      return end(chunk, ...rest);
    }) as Response['end'];
    next();
  };
}

function toContractError(body: AdapterErrorBody, showStack: boolean) {
  const issues: FieldIssue[] | undefined = body.issues?.map((i) => ({
    path: issuePath(i.path ?? []),
    message: i.message ?? 'invalid',
  }));
  const message =
    issues && issues.length
      ? `Invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
      : String(body.message ?? 'Error');
  return {
    code: String(body.code ?? 'ERROR'),
    message,
    ...(issues ? { issues } : {}),
    ...(showStack && body.data?.stack ? { stack: body.data.stack } : {}),
  };
}

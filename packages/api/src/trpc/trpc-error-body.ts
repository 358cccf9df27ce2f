import type { ErrorBody } from '@pulse/shared';
import type { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { describeIssues, errorBody } from '../http/error-body.js';
import { formatZodIssues } from '../http/errors.js';
import { InvalidInputError } from './input-error.js';

/**
 * The error body of a failed procedure. Input validation names every field in the message
 * too; internal errors carry driver text (SQL, parameters), so outside development their
 * message never reaches the wire.
 */
export function trpcErrorBody(error: TRPCError, showStack: boolean, stack: string | undefined): ErrorBody {
  const zodIssues = error.cause instanceof ZodError ? formatZodIssues(error.cause) : undefined;
  const issues = zodIssues ?? (error instanceof InvalidInputError ? error.issues : undefined);
  const internal = error.code === 'INTERNAL_SERVER_ERROR' && !showStack;
  const message = zodIssues ? describeIssues(zodIssues) : internal ? 'Internal server error' : error.message;
  return errorBody({ code: error.code, message, issues, ...(showStack && stack ? { stack } : {}) });
}

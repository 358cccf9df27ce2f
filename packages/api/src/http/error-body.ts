import { type ErrorBody, errorBodySchema, type FieldIssue } from '@pulse/shared';
import type { Response } from 'express';

/** At least one issue: what a 400 about named fields carries. */
export type FieldIssues = [FieldIssue, ...FieldIssue[]];

/** `path: message; path: message`, the one-line form of issues used in messages. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/**
 * The one way an error body is made, REST and tRPC alike: the shared schema's shape and
 * nothing else (fields it does not know never reach the wire).
 */
export function errorBody(body: ErrorBody): ErrorBody {
  return errorBodySchema.parse(body);
}

export function sendError(res: Response, status: number, body: ErrorBody): void {
  res.status(status).json(errorBody(body));
}

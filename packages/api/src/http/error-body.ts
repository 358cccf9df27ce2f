import { type ErrorBody, errorBodySchema, type FieldIssue } from '@pulse/shared';
import type { Response } from 'express';

/** At least one issue: what every 400 carries. */
export type FieldIssues = [FieldIssue, ...FieldIssue[]];

/** The path of an issue about the request input as a whole (unparsable, nested too deep). */
export const WHOLE_INPUT = 'input';

/** `path: message; path: message`, the one-line form of issues used in messages. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/**
 * The one way an error body is made, REST and tRPC alike: the shared schema's shape, and a
 * 400 always names what is wrong in `issues` (the whole input when no single field is at
 * fault), so a client can point at the field without parsing the message.
 */
export function errorBody(status: number, body: ErrorBody): ErrorBody {
  const issues = status === 400 && !body.issues?.length ? [{ path: WHOLE_INPUT, message: body.message }] : body.issues;
  return errorBodySchema.parse({ ...body, issues });
}

export function sendError(res: Response, status: number, body: ErrorBody): void {
  res.status(status).json(errorBody(status, body));
}

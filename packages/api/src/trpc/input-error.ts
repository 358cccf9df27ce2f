import { TRPCError } from '@trpc/server';
import { describeIssues, type FieldIssues } from '../http/error-body.js';

/**
 * A 400 for a rule of the request the input schema cannot check (the bucket count, the
 * X-Workspace-ID header, empty query parameters): it carries the offending fields, which the
 * error formatter puts into the body's `issues`. The message names them too.
 */
export class InvalidInputError extends TRPCError {
  readonly issues: FieldIssues;

  constructor(issues: FieldIssues, message = describeIssues(issues)) {
    super({ code: 'BAD_REQUEST', message });
    this.issues = issues;
  }
}

import { TRPCError } from '@trpc/server';
import { describeIssues, type FieldIssues } from '../http/error-body.js';

/**
 * A 400 for a rule the input schema cannot check (a header, a bucket count): it carries the
 * offending fields, which the error formatter puts into the body's `issues`.
 */
export class InvalidInputError extends TRPCError {
  readonly issues: FieldIssues;

  constructor(issues: FieldIssues, message = describeIssues(issues)) {
    super({ code: 'BAD_REQUEST', message });
    this.issues = issues;
  }
}

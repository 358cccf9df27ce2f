import { TRPCError } from '@trpc/server';
import { describeIssues, type FieldIssues } from '../http/error-body.js';

/**
 * A 400 for a rule of the input the schema cannot check (the bucket count): it carries the
 * offending fields, which the error formatter puts into the body's `issues`.
 */
export class InvalidInputError extends TRPCError {
  readonly issues: FieldIssues;

  constructor(issues: FieldIssues) {
    super({ code: 'BAD_REQUEST', message: describeIssues(issues) });
    this.issues = issues;
  }
}

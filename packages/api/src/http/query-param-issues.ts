import type { FieldIssue } from '@pulse/shared';
import type { Request } from 'express';

/**
 * What the REST adapter loses on the way from the query string to a procedure's input, named
 * as the issues they are (docs/API_SPEC.md §3): a parameter without a value (`?agent_id=`), which
 * it drops as if absent, and one named `__proto__`, which copying by assignment drops.
 */
export function queryParamIssues(req: Request): FieldIssue[] {
  const issues = new Map<string, string>();
  new URL(req.originalUrl, 'http://localhost').searchParams.forEach((value, name) => {
    if (name === '__proto__') issues.set(name, 'is not a known parameter');
    else if (value === '') issues.set(name, 'must not be empty');
  });
  return [...issues].map(([path, message]) => ({ path, message }));
}

import type { ZodError } from 'zod';

export interface FieldIssue {
  path: string;
  message: string;
}

/** `traces.3.latency_ms` style paths; the root is named `input`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : 'input';
}

export function formatZodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }));
}

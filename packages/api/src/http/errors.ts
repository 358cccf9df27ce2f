import type { FieldIssue } from '@pulse/shared';
import type { ZodError } from 'zod';

/** `traces.3.latency_ms` style paths; the root is named `input`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : 'input';
}

/** The codes along an error's `cause` chain (driver errors arrive wrapped by drizzle and tRPC). */
export function* errorCodes(err: unknown): Generator<string> {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') yield code;
  }
}

/**
 * What a log line keeps of a failed request: the root cause's code and first line (and, when
 * asked, the top of its stack), never the SQL text or its parameters (they hold customers'
 * trace content).
 */
export function rootCause(err: unknown, withStack = false): { code?: string; message: string; stack?: string } {
  let root = err;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const e = root as { code?: unknown; message?: unknown; stack?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : undefined,
    message: String(e.message ?? 'unknown').split('\n')[0]!,
    ...(withStack && typeof e.stack === 'string' ? { stack: e.stack.split('\n').slice(0, 6).join('\n') } : {}),
  };
}

/** One issue per offending field: an unknown key of a strict object is named itself, not its object. */
export function formatZodIssues(error: ZodError): FieldIssue[] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: issuePath([...i.path, key]), message: 'is not a known parameter' }))
      : [{ path: issuePath(i.path), message: i.message }],
  );
}

/**
 * The endpoint cases measured beside their own plain-SQL check (quality, impact): the check's
 * record, its log line, and their table in docs/BENCHMARKS.md.
 */
import type { EndpointMeasurement } from './endpoints.js';
import { log } from './progress.js';

export interface EndpointCheck {
  endpoint: string;
  window: string;
  sqlMs: number;
  problems: string[];
}

/** The endpoints of a case, measured, with their checks against plain SQL. */
export interface CheckedResults<P extends string> {
  endpoints: EndpointMeasurement<P>[];
  checks: EndpointCheck[];
}

/** A case's section of docs/BENCHMARKS.md: what it measured and checked, then its table. */
export function checkedSection<P extends string>(intro: string, r: CheckedResults<P>, targetP95Ms: number): string[] {
  return [intro, '', ...checkedEndpointTable(r.endpoints, r.checks, targetP95Ms)];
}

/** ✓ for a target met, ✗ for one missed. */
export const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** Logs a check's outcome under `topic` and returns it. */
export function logged(topic: string, check: EndpointCheck): EndpointCheck {
  log(
    topic,
    `${check.endpoint} ${check.window}: plain SQL ${check.sqlMs} ms, ${check.problems.length ? `MISMATCH: ${check.problems.join('; ')}` : 'figures agree'}`,
  );
  return check;
}

/** The table of the measured endpoints, each with its check (where it has one) and the P95 target. */
export function checkedEndpointTable(
  endpoints: EndpointMeasurement<string>[],
  checks: EndpointCheck[],
  targetP95Ms: number,
): string[] {
  const lines = [
    '| endpoint | window | uncached P50 | P95 | cached P50 | plain SQL | target | |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const m of endpoints) {
    const c = checks.find((x) => x.endpoint === m.endpoint && x.window === m.window);
    const check = c ? `${c.sqlMs} ms${c.problems.length ? ', **disagrees**' : ''}` : '—';
    lines.push(
      `| ${m.endpoint} | ${m.window} | ${m.uncached.p50} | ${m.uncached.p95} | ${m.cached.p50} | ${check} | P95 ≤ ${targetP95Ms} ms | ${mark(m.uncached.p95 <= targetP95Ms)} |`,
    );
  }
  return lines;
}

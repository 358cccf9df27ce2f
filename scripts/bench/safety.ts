/**
 * Safety figures (docs/API_SPEC.md §12) over the dataset's own flags (the demo's texts quote an
 * e-mail address or a phone number in a share of the calls): the overview, trend and by-agent
 * GETs and the newest flagged calls over 24h, 7d and 30d, and the overview's calls, flagged calls
 * and per-type counts cross-checked against plain SQL over raw `traces`.
 */
import { SAFETY_TYPES, type SafetyPath } from '@pulse/shared';
import type { SqlRunner } from './baseline.js';
import { type CheckedResults, checkedSection, type EndpointCheck, logged } from './checked-endpoints.js';
import { type MeasuredEndpoint, measureOverPresetWindows, type WindowDef, type MeasureSettings } from './endpoints.js';

/** "Exact and fast like the analytics endpoints". */
export const SAFETY_TARGET_P95_MS = 50;

export function measureSafety(s: MeasureSettings, windows: WindowDef[]): Promise<MeasuredEndpoint<SafetyPath>[]> {
  return measureOverPresetWindows(s, ['/safety/overview', '/safety/trend', '/safety/by-agent', '/safety/latest'] as const, windows);
}

/** The overview's figures against plain SQL over raw `traces`, for each window measured. */
export async function crossCheckSafety(runner: SqlRunner, workspaceId: string, measured: MeasuredEndpoint<SafetyPath>[]): Promise<EndpointCheck[]> {
  const out: EndpointCheck[] = [];
  for (const m of measured.filter((x) => x.measurement.endpoint === '/safety/overview')) {
    const t0 = performance.now();
    const perType = SAFETY_TYPES.map((type, i) => `count(*) filter (where safety_flags ? '${type}')::int as t${i}`).join(', ');
    const [row] = await runner.query(
      `select count(*)::int as total, count(*) filter (where jsonb_array_length(safety_flags) > 0)::int as flagged, ${perType}
       from traces where workspace_id = $1::uuid and timestamp >= $2::timestamptz and timestamp < $3::timestamptz`,
      [workspaceId, m.measurement.from, m.measurement.to],
    );
    const sqlMs = Math.round((performance.now() - t0) * 10) / 10;
    const answer = m.answer as { total_calls: number; flagged_calls: number; data: Array<{ type: string; count: number }> };
    const problems: string[] = [];
    if (answer.total_calls !== Number(row!.total)) problems.push(`total_calls: Pulse ${answer.total_calls}, SQL ${row!.total}`);
    if (answer.flagged_calls !== Number(row!.flagged)) problems.push(`flagged_calls: Pulse ${answer.flagged_calls}, SQL ${row!.flagged}`);
    SAFETY_TYPES.forEach((type, i) => {
      const pulse = answer.data.find((d) => d.type === type)?.count ?? 0;
      if (pulse !== Number(row![`t${i}`])) problems.push(`${type}: Pulse ${pulse}, SQL ${row![`t${i}`]}`);
    });
    out.push(logged('safety', { endpoint: m.measurement.endpoint, window: m.measurement.window, sqlMs, problems }));
  }
  return out;
}

export type SafetyResults = CheckedResults<SafetyPath>;

/** The safety table of docs/BENCHMARKS.md. */
export function safetyRows(r: SafetyResults): string[] {
  return checkedSection(
    'Safety (docs/API_SPEC.md §12) over the flags the detectors set at ingest on the dataset’s texts; ' +
      'plain SQL = the overview’s calls, flagged calls and calls per type over raw `traces`.',
    r,
    SAFETY_TARGET_P95_MS,
  );
}

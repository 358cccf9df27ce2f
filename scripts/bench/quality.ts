/**
 * Quality figures (docs/API_SPEC.md §10): scores for 10 % of the large workspace's calls are
 * written through POST /api/v1/scores (numeric, boolean and categorical names in turn), then
 * the three quality GETs are measured over 24h, 7d and 30d and cross-checked against plain SQL
 * over the raw `scores` table.
 */
import { type QualityPath, round4 } from '@pulse/shared';
import type { SqlRunner } from './baseline.js';
import { analyticsHeaders, type Workspace } from './client.js';
import { readBatches } from './dataset.js';
import { type EndpointMeasurement, type MeasuredEndpoint, measureEndpoint, type WindowDef, type MeasureSettings } from './endpoints.js';
import { checkedEndpointTable, type EndpointCheck, logged } from './checked-endpoints.js';
import { fmt, log } from './progress.js';

export const QUALITY_TARGET_P95_MS = 50;
const SCORED_SHARE = 10;
const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
const NAMES = ['helpfulness', 'resolved', 'sentiment'] as const;

export interface ScoreWriteResult {
  scores: number;
  batches: number;
  concurrency: number;
  seconds: number;
  scoresPerSecond: number;
}

/** Every 10th call of the large workspace (index 0), one score each: helpfulness, resolved, sentiment in turn. */
async function* scoreBatches(file: string, size: number): AsyncGenerator<unknown[]> {
  let batch: unknown[] = [];
  let seen = 0;
  let scored = 0;
  for await (const b of readBatches(file)) {
    if (b.workspace !== 0) continue;
    for (const t of (JSON.parse(b.body) as { traces: Array<{ trace_id: string }> }).traces) {
      if (seen++ % SCORED_SHARE !== 0) continue;
      const i = scored++;
      const value =
        i % 3 === 0 ? (i % 101) / 100 : i % 3 === 1 ? i % 4 !== 1 : SENTIMENTS[(i >> 2) % SENTIMENTS.length]!;
      batch.push({ trace_id: t.trace_id, name: NAMES[i % 3], value, source: 'llm' });
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

export async function writeBenchScores(
  base: string,
  ws: Workspace,
  datasetFile: string,
  concurrency: number,
): Promise<ScoreWriteResult> {
  const headers = { ...analyticsHeaders(ws), 'content-type': 'application/json' };
  const batches = scoreBatches(datasetFile, 1000);
  let scores = 0;
  let sent = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let next = await batches.next(); !next.done; next = await batches.next()) {
      const res = await fetch(`${base}/api/v1/scores`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ scores: next.value }),
      });
      const body = (await res.json()) as { accepted: number; updated: number };
      if (res.status !== 200)
        throw new Error(`POST /scores answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
      scores += body.accepted + body.updated;
      sent++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const result = {
    scores,
    batches: sent,
    concurrency,
    seconds: Math.round(seconds * 10) / 10,
    scoresPerSecond: Math.round(scores / seconds),
  };
  log(
    'quality',
    `${fmt(scores)} scores written through POST /scores in ${result.seconds} s (${fmt(result.scoresPerSecond)} scores/s)`,
  );
  return result;
}

/** The three quality GETs; trend and by-agent once per type of score name. */
export const QUALITY_REQUESTS = [
  { path: '/quality/overview', name: null },
  { path: '/quality/trend', name: 'helpfulness' },
  { path: '/quality/by-agent', name: 'sentiment' },
] as const;

export async function measureQuality(s: MeasureSettings, windows: WindowDef[]): Promise<MeasuredEndpoint<QualityPath>[]> {
  const out: MeasuredEndpoint<QualityPath>[] = [];
  for (const r of QUALITY_REQUESTS) {
    for (const w of windows.filter((w) => ['24h', '7d', '30d'].includes(w.name))) {
      out.push(
        await measureEndpoint(s, r.path, { name: w.name, query: r.name ? `${w.query}&name=${r.name}` : w.query }),
      );
    }
  }
  return out;
}

type Row = Record<string, unknown>;
const ISO_BUCKET = (interval: string) =>
  `to_char(date_bin(interval '${interval}', trace_timestamp, timestamptz '2000-01-01T00:00:00Z') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const WHERE = `workspace_id = $1::uuid and trace_timestamp >= $2::timestamptz and trace_timestamp < $3::timestamptz`;
const avgOf = (r: Row) => (r.avg === null ? null : round4(Number(r.avg)));

/** Plain SQL over raw `scores` for one answer; the mismatches found (each bench score name has one type). */
async function crossCheckOne(
  runner: SqlRunner,
  workspaceId: string,
  m: MeasuredEndpoint<QualityPath>,
): Promise<{ sqlMs: number; problems: string[] }> {
  const { measurement, answer } = m;
  const params = [workspaceId, measurement.from, measurement.to];
  const problems: string[] = [];
  const expect = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`${what}: Pulse ${JSON.stringify(got)}, SQL ${JSON.stringify(want)}`);
  };
  const t0 = performance.now();
  const data = answer.data as Row[];
  if (measurement.endpoint === '/quality/overview') {
    const rows = await runner.query(
      `select name, type, count(*)::int as count, avg(numeric_value)::float8 as avg from scores where ${WHERE} group by 1, 2 order by 1`,
      params,
    );
    const cats = await runner.query(
      `select name, categorical_value as value, count(*)::int as count from scores where ${WHERE} and type = 'categorical' group by 1, 2 order by 3 desc, 2`,
      params,
    );
    expect(
      'overview',
      data.map((d) => [d.name, d.type, d.count, d.avg, d.distribution]),
      rows.map((r) => [
        r.name,
        r.type,
        r.count,
        r.type === 'categorical' ? null : avgOf(r),
        r.type === 'categorical'
          ? Object.fromEntries(cats.filter((c) => c.name === r.name).map((c) => [c.value, c.count]))
          : null,
      ]),
    );
  } else if (measurement.endpoint === '/quality/trend') {
    const interval = answer.granularity === 'day' ? '1 day' : answer.granularity === 'hour' ? '1 hour' : '1 minute';
    const rows = await runner.query(
      `select ${ISO_BUCKET(interval)} as bucket, count(*)::int as count, avg(numeric_value)::float8 as avg from scores where ${WHERE} and name = $4 group by 1`,
      [...params, answer.name],
    );
    const byBucket = new Map(rows.map((r) => [r.bucket, r]));
    expect(
      'trend',
      data.filter((p) => Number(p.count) > 0).map((p) => [p.timestamp, p.count, p.avg]),
      [...byBucket.keys()].sort().map((b) => [b, byBucket.get(b)!.count, avgOf(byBucket.get(b)!)]),
    );
  } else {
    const rows = await runner.query(
      `select agent_id, count(*)::int as count, avg(numeric_value)::float8 as avg from scores where ${WHERE} and name = $4
       group by 1 order by 2 desc, agent_id collate "C"`,
      [...params, answer.name],
    );
    expect(
      'by-agent',
      data.map((d) => [d.agent_id, d.count, d.avg]),
      rows.map((r) => [r.agent_id, r.count, answer.name === 'sentiment' ? null : avgOf(r)]),
    );
  }
  return { sqlMs: Math.round((performance.now() - t0) * 10) / 10, problems: problems.map((p) => p.slice(0, 400)) };
}

export async function crossCheckQuality(
  runner: SqlRunner,
  workspaceId: string,
  measured: MeasuredEndpoint<QualityPath>[],
): Promise<EndpointCheck[]> {
  const out: EndpointCheck[] = [];
  for (const m of measured) {
    const { sqlMs, problems } = await crossCheckOne(runner, workspaceId, m);
    out.push(logged('quality', { endpoint: m.measurement.endpoint, window: m.measurement.window, sqlMs, problems }));
  }
  return out;
}

export interface QualityResults {
  write: ScoreWriteResult;
  endpoints: EndpointMeasurement<QualityPath>[];
  checks: EndpointCheck[];
}

/** The quality table of docs/BENCHMARKS.md. */
export function qualityRows(q: QualityResults): string[] {
  return [
    `Quality (docs/API_SPEC.md §10): ${fmt(q.write.scores)} scores on 10 % of the measured workspace's calls, written through POST /scores ` +
      `(batches of 1,000, ${q.write.concurrency} in flight) at ${fmt(q.write.scoresPerSecond)} scores/s; plain SQL = the same figures over raw \`scores\`.`,
    '',
    ...checkedEndpointTable(q.endpoints, q.checks, QUALITY_TARGET_P95_MS),
  ];
}

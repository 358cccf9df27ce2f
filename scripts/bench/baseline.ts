/**
 * Runs the naive SQL of baseline-sql.ts directly against the benchmark's database, for the
 * window each Pulse answer reported, times it, and cross-checks its figures against that
 * answer. PostgreSQL: a postgres-js connection to the scratch database while the server runs.
 * PGlite: the data directory belongs to the server process, so this opens it after the server
 * has stopped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { baselineQuery } from './baseline-sql.js';
import { crossCheck } from './crosscheck.js';
import type { MeasuredEndpoint } from './endpoints.js';
import { log } from './progress.js';
import { type Summary, summarize } from './stats.js';

export interface SqlRunner {
  query(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export function postgresRunner(url: string): SqlRunner {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  return {
    query: async (text, params) => [...(await client.unsafe(text, params as never[]))] as Record<string, unknown>[],
    close: () => client.end({ timeout: 5 }),
  };
}

export async function pgliteRunner(dataDir: string): Promise<SqlRunner> {
  const db = await PGlite.create(dataDir);
  return {
    query: async (text, params) => (await db.query<Record<string, unknown>>(text, params)).rows,
    close: () => db.close(),
  };
}

export function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

export interface BaselineMeasurement {
  endpoint: string;
  window: string;
  reps: number;
  time: Summary;
  /** Baseline P50 / Pulse uncached P50. */
  speedup: number;
  mismatches: string[];
}

const monthStartOf = (iso: string) => {
  const d = new Date(iso);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
};

export async function runBaseline(runner: SqlRunner, workspaceId: string, measured: MeasuredEndpoint[], reps: number): Promise<BaselineMeasurement[]> {
  log('baseline', `naive SQL over raw traces, ${reps} timed runs per endpoint and window (no warm-up), same windows as Pulse answered`);
  const out: BaselineMeasurement[] = [];
  for (const { measurement: m, answer } of measured) {
    const q = baselineQuery(m.endpoint, {
      workspaceId,
      from: m.from ?? m.answeredAt,
      to: m.to ?? m.answeredAt,
      ...(typeof answer.granularity === 'string' ? { granularity: answer.granularity } : {}),
      monthStart: monthStartOf(m.answeredAt),
    });
    const times: number[] = [];
    let rows: Record<string, unknown>[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      rows = await runner.query(q.text, q.params);
      times.push(performance.now() - t0);
    }
    const time = summarize(times);
    const mismatches = crossCheck(m.endpoint, answer, rows);
    const speedup = Math.round((time.p50 / m.uncached.p50) * 10) / 10;
    out.push({ endpoint: m.endpoint, window: m.window, reps, time, speedup, mismatches });
    log(
      'baseline',
      `${m.endpoint} ${m.window}: P50 ${time.p50} ms, ×${speedup} vs Pulse uncached` +
        (mismatches.length ? `, MISMATCH: ${mismatches.join('; ')}` : ', figures agree'),
    );
  }
  return out;
}

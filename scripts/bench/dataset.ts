/**
 * The benchmark's data: one large workspace and 9 noise workspaces (N / 100 traces each),
 * generated with the demo's distributions over the 30 days before `now`, written once as
 * ingest request bodies — one line per batch, `<workspace index>\t<trace count>\t<JSON body>`
 * — in time order across workspaces, so other tenants' rows interleave in the same tables.
 * The file is generated before any clock starts, streamed during the timed load (10 M traces
 * are ~4 GB: never all in memory), and reused by a later run with the same N, seed and UTC day.
 */
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { type DemoTrace, generateDemoBatches } from '@pulse/demo';
import { largeWorkspaceUsers } from './options.js';
import { every, fmt, log } from './progress.js';

/** 2: traces carry the demo's tags. */
const FORMAT_VERSION = 2;
const NOISE_WORKSPACES = 9;
const DAYS = 30;

interface WorkspaceSpec {
  name: string;
  seed: number;
  users: number;
  targetTraces: number;
  /** Generated (Poisson noise around the target). */
  traces: number;
  batches: number;
}

export interface DatasetMeta {
  version: number;
  traces: number;
  seed: number;
  day: string;
  /** The end of the data: the start of the run that generated it. */
  now: string;
  days: number;
  workspaces: WorkspaceSpec[];
  totalTraces: number;
  lines: number;
  bytes: number;
}

interface Dataset {
  file: string;
  meta: DatasetMeta;
  reused: boolean;
}

function workspaceSpecs(traces: number, seed: number): WorkspaceSpec[] {
  const large = { name: 'bench-large', seed, users: largeWorkspaceUsers(traces), targetTraces: traces, traces: 0, batches: 0 };
  const noise = Array.from({ length: NOISE_WORKSPACES }, (_, i) => ({
    name: `bench-noise-${i + 1}`,
    seed: seed + 1 + i,
    users: 150,
    targetTraces: Math.floor(traces / 100),
    traces: 0,
    batches: 0,
  }));
  return [large, ...noise];
}

/** The dataset for (N, seed, today): reused when a complete one is on disk, else generated. */
export function prepareDataset(dir: string, traces: number, seed: number, runStart: Date, batchSize: number): Dataset {
  mkdirSync(dir, { recursive: true });
  const day = runStart.toISOString().slice(0, 10);
  const base = path.join(dir, `n${traces}-s${seed}-b${batchSize}-${day}`);
  const file = `${base}.jsonl`;
  const metaFile = `${base}.meta.json`;
  if (existsSync(metaFile) && existsSync(file)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as DatasetMeta;
    if (meta.version === FORMAT_VERSION && statSync(file).size === meta.bytes) {
      log('dataset', `reusing ${file} (${fmt(meta.totalTraces)} traces ending ${meta.now})`);
      return { file, meta, reused: true };
    }
  }
  const meta = generate(`${file}.tmp`, traces, seed, runStart, batchSize);
  renameSync(`${file}.tmp`, file);
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return { file, meta, reused: false };
}

function generate(tmpFile: string, traces: number, seed: number, now: Date, batchSize: number): DatasetMeta {
  const specs = workspaceSpecs(traces, seed);
  const expected = specs.reduce((s, w) => s + w.targetTraces, 0);
  log('dataset', `generating ~${fmt(expected)} traces for ${specs.length} workspaces into ${tmpFile}`);
  const sources = specs.map((w) =>
    generateDemoBatches({ seed: w.seed, now, days: DAYS, targetTraces: w.targetTraces, users: w.users }, batchSize),
  );
  const heads: (DemoTrace[] | undefined)[] = sources.map((s) => s.next().value ?? undefined);
  const fd = openSync(tmpFile, 'w');
  let bytes = 0;
  let lines = 0;
  let written = 0;
  const stopProgress = every(5000, () => log('dataset', `${fmt(written)} of ~${fmt(expected)} traces written`));
  try {
    for (;;) {
      // k-way merge on each batch's first timestamp (same ISO format: string order is time order).
      let pick = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h && (pick < 0 || h[0]!.timestamp < heads[pick]![0]!.timestamp)) pick = i;
      }
      if (pick < 0) break;
      const batch = heads[pick]!;
      const line = `${pick}\t${batch.length}\t${JSON.stringify({ traces: batch })}\n`;
      bytes += writeSync(fd, line);
      lines++;
      written += batch.length;
      specs[pick]!.traces += batch.length;
      specs[pick]!.batches++;
      heads[pick] = sources[pick]!.next().value ?? undefined;
    }
  } finally {
    stopProgress();
    closeSync(fd);
  }
  log('dataset', `${fmt(written)} traces in ${fmt(lines)} batches, ${fmt(bytes / 1e6)} MB`);
  return {
    version: FORMAT_VERSION,
    traces,
    seed,
    day: now.toISOString().slice(0, 10),
    now: now.toISOString(),
    days: DAYS,
    workspaces: specs,
    totalTraces: written,
    lines,
    bytes,
  };
}

export interface Batch {
  workspace: number;
  count: number;
  body: string;
}

/** The batches of a dataset file, one at a time, read in large chunks (bounded memory). */
export async function* readBatches(file: string): AsyncGenerator<Batch> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 4 << 20 })) {
    rest += chunk as string;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      const t1 = line.indexOf('\t');
      const t2 = line.indexOf('\t', t1 + 1);
      yield { workspace: Number(line.slice(0, t1)), count: Number(line.slice(t1 + 1, t2)), body: line.slice(t2 + 1) };
    }
  }
  if (rest.length) throw new Error(`${file}: truncated last line`);
}

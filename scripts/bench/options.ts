/** The command line of `npm run bench`. */

export type Driver = 'pglite' | 'postgres';

export interface BenchOptions {
  db: Driver;
  /** Traces of the large workspace; each of the 9 noise workspaces gets traces / 100. */
  traces: number;
  seed: number;
  quick: boolean;
  /** Timed requests per endpoint × window, uncached and cached each. */
  requests: number;
  /** Untimed requests before each timed series. */
  warmup: number;
  /** Timed bursts per dashboard page. */
  bursts: number;
  /** Timed runs of each naive SQL query. */
  baselineReps: number;
  /** Ingest batches in flight at once. */
  concurrency: number;
  batchSize: number;
  /** Spans of the OTLP protobuf ingest case, and of each ingest run of the live-dashboards case. */
  otlpSpans: number;
  /** Live subscriptions (open dashboards) of the live-dashboards case. */
  sockets: number;
  /** Skip the raw-SQL baseline (and so the cross-check). */
  noBaseline: boolean;
  /** Skip the re-pricing case: at 10 M traces the rewrite after a price change takes minutes. */
  noRepricing: boolean;
  /** Leave the scratch database (and its data) when the run completes, to study it afterwards. */
  keepDatabase: boolean;
  /** The command as typed, for the record. */
  command: string;
}

const USAGE = `npm run bench -- [--db pglite|postgres] [--traces N] [--quick] [--seed S]
    [--requests R] [--bursts B] [--baseline-reps K] [--concurrency C] [--no-baseline]
    [--no-repricing] [--otlp-spans M] [--sockets S] [--keep-database]

  --traces N        traces of the large workspace (default 1,000,000; 9 noise workspaces get N/100 each)
  --db              pglite (default) or postgres (a scratch database on BENCH_PG_URL's server,
                    default postgres://postgres@127.0.0.1:5432)
  --quick           smoke run: 20,000 traces, 10 requests per measurement, 2 baseline runs;
                    writes bench-results/quick-<date>.json and leaves docs/BENCHMARKS.md alone
  --requests R      timed requests per endpoint and window, uncached and cached each (default 50)
  --bursts B        timed bursts per dashboard page (default 50)
  --baseline-reps K timed runs of each raw-SQL baseline query (default 5)
  --no-repricing    skip the re-pricing case (a PUT and a DELETE of the busiest model's price,
                    each followed by the background rewrite of its calls: minutes at 10 M traces)
  --otlp-spans M    spans of the OTLP protobuf ingest case, in requests of 1,000 (default 200,000;
                    quick 10,000); each ingest run of the live-dashboards case sends as many
  --sockets S       live.changes subscriptions held open by the live-dashboards case (default 500)
  --keep-database   leave the scratch database when the run completes (its URL is logged), to
                    study a large dataset without loading it again`;

function intOf(name: string, text: string, min: number): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const FLAGS = new Set(['quick', 'no-baseline', 'no-repricing', 'keep-database', 'help']);
  const VALUES = new Set(['db', 'traces', 'seed', 'requests', 'bursts', 'baseline-reps', 'concurrency', 'batch-size', 'otlp-spans', 'sockets']);
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, '');
    if (FLAGS.has(name)) flags.add(name);
    else if (VALUES.has(name) && i + 1 < argv.length) values.set(name, argv[++i]!);
    else throw new Error(`unknown or incomplete argument "${argv[i]}"\n\n${USAGE}`);
  }
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = flags.has('quick');
  const db = values.get('db') ?? 'pglite';
  if (db !== 'pglite' && db !== 'postgres') throw new Error(`--db must be pglite or postgres, got "${db}"`);
  const get = (name: string, full: number, smoke: number, min: number) =>
    values.has(name) ? intOf(name, values.get(name)!, min) : quick ? smoke : full;
  return {
    db,
    traces: get('traces', 1_000_000, 20_000, 100),
    seed: get('seed', 1, 1, 0),
    quick,
    requests: get('requests', 50, 10, 1),
    warmup: 3,
    bursts: get('bursts', 50, 10, 1),
    baselineReps: get('baseline-reps', 5, 2, 1),
    concurrency: get('concurrency', 4, 4, 1),
    batchSize: Math.min(1000, get('batch-size', 1000, 1000, 1)),
    otlpSpans: get('otlp-spans', 200_000, 10_000, 1000),
    sockets: get('sockets', 500, 500, 1),
    noBaseline: flags.has('no-baseline'),
    noRepricing: flags.has('no-repricing'),
    keepDatabase: flags.has('keep-database'),
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}

/** Users of the large workspace: max(150, min(10000, N / 2000)) — 10 M traces → 5000 users. */
export function largeWorkspaceUsers(traces: number): number {
  return Math.max(150, Math.min(10_000, Math.floor(traces / 2000)));
}

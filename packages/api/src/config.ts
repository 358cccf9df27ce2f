/** Runtime configuration, read once from the environment (README lists every variable). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  adminToken: string | undefined;
  demo: boolean;
  /** Seed of the demo generator: the same seed gives the same demo data. */
  demoSeed: number;
  /** How many historic traces the demo creates (about). */
  demoTraces: number;
  /** Traces per second of the demo's live trickle (0 turns it off). */
  demoTrickleRate: number;
  /** Only `development` shows stack traces in error bodies. */
  nodeEnv: string;
  logLevel: string;
  /** Comma-separated origins allowed by CORS; empty means CORS is off. */
  corsOrigins: string[];
  /** When set, requests with X-Pulse-Cache-Bypass equal to it skip the cache (the benchmark's uncached runs). */
  cacheBypassToken: string | undefined;
  /** How often the background folder moves queued traces into the rollups (ms). */
  foldIntervalMs: number;
  /** Milliseconds SIGTERM waits for in-flight requests before closing anyway. */
  shutdownTimeoutMs: number;
  /** Ingest requests per minute per API key (0 turns the limit off). */
  rateLimitIngestPerMin: number;
  /** Analytics and budget requests per minute per API key (0 turns the limit off). */
  rateLimitQueryPerMin: number;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { demoByDefault?: boolean } = {}): Config {
  const demoRaw = env.DEMO ?? (opts.demoByDefault ? '1' : '0');
  return {
    port: int(env.PORT, 3000, 'PORT'),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || './.data',
    redisUrl: env.REDIS_URL || undefined,
    adminToken: env.ADMIN_TOKEN || undefined,
    demo: demoRaw === '1' || demoRaw === 'true',
    demoSeed: int(env.DEMO_SEED, 42, 'DEMO_SEED'),
    demoTraces: int(env.DEMO_TRACES, 220_000, 'DEMO_TRACES'),
    demoTrickleRate: int(env.DEMO_TRICKLE_RATE, 3, 'DEMO_TRICKLE_RATE'),
    nodeEnv: env.NODE_ENV || 'production',
    logLevel: env.LOG_LEVEL || 'info',
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    cacheBypassToken: env.PULSE_CACHE_BYPASS_TOKEN || undefined,
    foldIntervalMs: Math.max(10, int(env.FOLD_INTERVAL_MS, 500, 'FOLD_INTERVAL_MS')),
    shutdownTimeoutMs: int(env.SHUTDOWN_TIMEOUT_MS, 10_000, 'SHUTDOWN_TIMEOUT_MS'),
    // 100 requests a second per key: far above a dashboard or a batching client.
    rateLimitIngestPerMin: int(env.RATE_LIMIT_INGEST_PER_MIN, 6000, 'RATE_LIMIT_INGEST_PER_MIN'),
    rateLimitQueryPerMin: int(env.RATE_LIMIT_QUERY_PER_MIN, 6000, 'RATE_LIMIT_QUERY_PER_MIN'),
  };
}

import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An unset and an empty variable both mean "the default". */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

function optionalText() {
  return z.preprocess(unsetIfEmpty, z.string().optional());
}

function text(fallback: string) {
  return z.preprocess(unsetIfEmpty, z.string().default(fallback));
}

function wholeNumber(fallback: number, max = Number.MAX_SAFE_INTEGER) {
  const rule = max === Number.MAX_SAFE_INTEGER ? 'must be a whole number, 0 or more' : `must be a whole number from 0 to ${max}`;
  return z.preprocess(unsetIfEmpty, z.coerce.number({ error: rule }).int(rule).min(0, rule).max(max, rule).default(fallback));
}

/** A whole number from 1 to `max`; unset means the default chosen in the transform. */
function positiveWholeNumber(max: number) {
  const rule = `must be a whole number from 1 to ${max}`;
  return z.preprocess(unsetIfEmpty, z.coerce.number({ error: rule }).int(rule).min(1, rule).max(max, rule).optional());
}

function url(protocols: readonly string[]) {
  const rule = `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), rule)
      .optional(),
  );
}

function flag(fallback: '0' | '1') {
  return z.preprocess(unsetIfEmpty, z.enum(['0', '1', 'true', 'false'], { error: 'must be 1, 0, true or false' }).default(fallback)).transform((v) => v === '1' || v === 'true');
}

/** The environment variables (README lists each with its default), and the configuration they give. */
function configSchema(demoByDefault: boolean) {
  return z
    .object({
      PORT: wholeNumber(3000, 65_535),
      HOST: text('0.0.0.0'),
      DATABASE_URL: url(['postgres:', 'postgresql:']),
      DATA_DIR: text('./.data'),
      REDIS_URL: url(['redis:', 'rediss:']),
      ADMIN_TOKEN: optionalText(),
      DEMO: flag(demoByDefault ? '1' : '0'),
      DEMO_SEED: wholeNumber(42),
      DEMO_TRACES: wholeNumber(220_000),
      DEMO_TRICKLE_RATE: wholeNumber(3),
      NODE_ENV: text('production'),
      LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
      CORS_ORIGINS: text(''),
      PULSE_CACHE_BYPASS_TOKEN: optionalText(),
      PULSE_SECRET_KEY: optionalText(),
      FOLD_INTERVAL_MS: wholeNumber(500),
      REPRICE_INTERVAL_MS: wholeNumber(1000),
      RETENTION_INTERVAL_MS: wholeNumber(600_000),
      SHUTDOWN_TIMEOUT_MS: wholeNumber(10_000),
      STATEMENT_TIMEOUT_MS: wholeNumber(15_000),
      LOCK_TIMEOUT_MS: wholeNumber(5_000),
      // V8's own choice is up to 300 %: 4× the live heap.
      HEAP_GROWTH_PERCENT: wholeNumber(100, 300),
      // 100 requests a second per key: far above a dashboard or a batching client.
      RATE_LIMIT_INGEST_PER_MIN: wholeNumber(6000),
      RATE_LIMIT_QUERY_PER_MIN: wholeNumber(6000),
      DB_CONCURRENCY_PER_KEY: positiveWholeNumber(1000),
      GEMINI_API_KEY: optionalText(),
      OPENAI_API_KEY: optionalText(),
      GEMINI_BASE_URL: z.preprocess(unsetIfEmpty, url(['http:', 'https:']).default('https://generativelanguage.googleapis.com')),
      OPENAI_BASE_URL: z.preprocess(unsetIfEmpty, url(['http:', 'https:']).default('https://api.openai.com/v1')),
      EVALUATOR_INTERVAL_MS: wholeNumber(10_000),
      EVALUATOR_SETTLE_MS: wholeNumber(20_000),
      EVALUATOR_REQUESTS_PER_MIN: wholeNumber(60),
      ALERT_INTERVAL_MS: wholeNumber(60_000),
      ALERT_RETRY_BASE_MS: wholeNumber(1_000),
      ALERT_ALLOW_PRIVATE_URLS: flag('0'),
    })
    .transform((env) => ({
      port: env.PORT,
      host: env.HOST,
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      redisUrl: env.REDIS_URL,
      adminToken: env.ADMIN_TOKEN,
      demo: env.DEMO,
      /** Seed of the demo generator: the same seed gives the same demo data. */
      demoSeed: env.DEMO_SEED,
      /** How many historic traces the demo creates (about). */
      demoTraces: env.DEMO_TRACES,
      /** Traces per second of the demo's live trickle (0 turns it off). */
      demoTrickleRate: env.DEMO_TRICKLE_RATE,
      /** Only `development` shows stack traces in error bodies. */
      nodeEnv: env.NODE_ENV,
      logLevel: env.LOG_LEVEL,
      /** Origins allowed by CORS; empty means CORS is off. */
      corsOrigins: env.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      /** When set, requests with X-Pulse-Cache-Bypass equal to it skip the cache (the benchmark's uncached runs). */
      cacheBypassToken: env.PULSE_CACHE_BYPASS_TOKEN,
      /** Encrypts stored secrets (webhook secrets, provider keys); replicas must share it (secrets/secret-box.ts). */
      secretKey: env.PULSE_SECRET_KEY,
      /** How often the background folder moves queued traces into the rollups (ms; at least 10). */
      foldIntervalMs: Math.max(10, env.FOLD_INTERVAL_MS),
      /** How often the background re-pricer looks for price changes whose stored calls it has still to rewrite (ms; at least 10). */
      repriceIntervalMs: Math.max(10, env.REPRICE_INTERVAL_MS),
      /** How often calls past a workspace's retention_days are deleted (ms; at least 1000). */
      retentionIntervalMs: Math.max(1000, env.RETENTION_INTERVAL_MS),
      /** Milliseconds SIGTERM waits for in-flight requests before closing anyway. */
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      /** PostgreSQL: how long one statement may run, lock waits included (ms; 0: no limit). */
      statementTimeoutMs: env.STATEMENT_TIMEOUT_MS,
      /** PostgreSQL: how long a statement may wait for one lock (ms; 0: only the statement timeout bounds it). */
      lockTimeoutMs: env.LOCK_TIMEOUT_MS,
      /** How far the JavaScript heap may grow past what its last full collection kept (%; 0: V8's own choice), heap-growth.ts. */
      heapGrowthPercent: env.HEAP_GROWTH_PERCENT,
      /** Ingest requests per minute per API key (0 turns the limit off). */
      rateLimitIngestPerMin: env.RATE_LIMIT_INGEST_PER_MIN,
      /** Analytics and budget requests per minute per API key (0 turns the limit off). */
      rateLimitQueryPerMin: env.RATE_LIMIT_QUERY_PER_MIN,
      /**
       * Procedure calls of one API key that run at once; the key's other calls wait their turn
       * (docs/API_SPEC.md §5). The embedded database runs one statement at a time, so 1 costs a
       * key nothing there; PostgreSQL's pool of 10 leaves each key 2 connections.
       */
      dbConcurrencyPerKey: env.DB_CONCURRENCY_PER_KEY ?? (env.DATABASE_URL ? 4 : 1),
      /** The LLM judges' providers (docs/API_SPEC.md §13): keys an evaluator without its own key uses, and endpoints. */
      judges: {
        gemini: { apiKey: env.GEMINI_API_KEY, baseUrl: env.GEMINI_BASE_URL! },
        openai: { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL! },
      },
      /** How often the evaluator worker looks for new calls to judge (ms; 0 turns it off). */
      evaluatorIntervalMs: env.EVALUATOR_INTERVAL_MS,
      /**
       * Calls stored less than this long ago are left for the next pass: a batch being inserted
       * (up to STATEMENT_TIMEOUT_MS) holds ids older than its commit, which a cursor must not skip.
       */
      evaluatorSettleMs: env.EVALUATOR_SETTLE_MS,
      /** Judge requests per minute per provider (0: unlimited). */
      evaluatorRequestsPerMin: env.EVALUATOR_REQUESTS_PER_MIN,
      /** How often alert rules are evaluated (ms; at least 100), docs/API_SPEC.md §11. */
      alertIntervalMs: Math.max(100, env.ALERT_INTERVAL_MS),
      /** The wait before a failed webhook delivery's first retry (ms); each next wait doubles. */
      alertRetryBaseMs: env.ALERT_RETRY_BASE_MS,
      /** Webhooks may point to loopback, private and link-local addresses, and use plain http (local tests, private networks). */
      alertAllowPrivateUrls: env.ALERT_ALLOW_PRIVATE_URLS,
    }));
}

/** Runtime configuration, read once from the environment; never changed afterwards. */
export type Config = Readonly<z.output<ReturnType<typeof configSchema>>>;

/** A variable with a value Pulse cannot run with; the message names each such variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { demoByDefault?: boolean } = {}): Config {
  const parsed = configSchema(opts.demoByDefault ?? false).safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}

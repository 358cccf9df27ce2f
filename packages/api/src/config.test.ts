import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: './.data',
      redisUrl: undefined,
      adminToken: undefined,
      demo: false,
      demoSeed: 42,
      demoTraces: 220_000,
      demoTrickleRate: 3,
      nodeEnv: 'production',
      logLevel: 'info',
      corsOrigins: [],
      cacheBypassToken: undefined,
      secretKey: undefined,
      foldIntervalMs: 500,
      repriceIntervalMs: 1000,
      retentionIntervalMs: 600_000,
      shutdownTimeoutMs: 10_000,
      statementTimeoutMs: 15_000,
      lockTimeoutMs: 5_000,
      heapGrowthPercent: 100,
      rateLimitIngestPerMin: 6000,
      rateLimitQueryPerMin: 6000,
      dbConcurrencyPerKey: 1,
      judges: {
        gemini: { apiKey: undefined, baseUrl: 'https://generativelanguage.googleapis.com' },
        openai: { apiKey: undefined, baseUrl: 'https://api.openai.com/v1' },
      },
      evaluatorIntervalMs: 10_000,
      evaluatorSettleMs: 20_000,
      evaluatorRequestsPerMin: 60,
      alertIntervalMs: 60_000,
      alertRetryBaseMs: 1_000,
      alertAllowPrivateUrls: false,
    });
  });

  it('reads the LLM judges\' keys and endpoints (docs/API_SPEC.md §13)', () => {
    const config = loadConfig({
      GEMINI_API_KEY: 'g-key',
      OPENAI_API_KEY: 'o-key',
      GEMINI_BASE_URL: '',
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      EVALUATOR_INTERVAL_MS: '0',
      EVALUATOR_SETTLE_MS: '30000',
      EVALUATOR_REQUESTS_PER_MIN: '600',
    });
    expect(config.judges).toEqual({
      gemini: { apiKey: 'g-key', baseUrl: 'https://generativelanguage.googleapis.com' },
      openai: { apiKey: 'o-key', baseUrl: 'http://localhost:11434/v1' },
    });
    expect(config).toMatchObject({ evaluatorIntervalMs: 0, evaluatorSettleMs: 30_000, evaluatorRequestsPerMin: 600 });
    expect(() => loadConfig({ OPENAI_BASE_URL: 'ftp://x', EVALUATOR_REQUESTS_PER_MIN: '-1' })).toThrow(/OPENAI_BASE_URL[\s\S]*EVALUATOR_REQUESTS_PER_MIN/);
  });

  it('treats empty variables as unset and DEMO as 1 under --demo-by-default', () => {
    const config = loadConfig({ PORT: '', DEMO: '', ADMIN_TOKEN: '', REDIS_URL: '' }, { demoByDefault: true });
    expect(config).toMatchObject({ port: 3000, demo: true, adminToken: undefined, redisUrl: undefined });
    expect(loadConfig({ DEMO: '0' }, { demoByDefault: true }).demo).toBe(false);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/pulse',
      REDIS_URL: 'rediss://cache:6380/2',
      DEMO: 'true',
      CORS_ORIGINS: ' https://a.example , ,https://b.example',
      FOLD_INTERVAL_MS: '3',
      LOG_LEVEL: 'debug',
      RATE_LIMIT_QUERY_PER_MIN: '0',
      STATEMENT_TIMEOUT_MS: '2500',
      LOCK_TIMEOUT_MS: '0',
      DB_CONCURRENCY_PER_KEY: '3',
      HEAP_GROWTH_PERCENT: '0',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgresql://u:p@db:5432/pulse',
      redisUrl: 'rediss://cache:6380/2',
      demo: true,
      corsOrigins: ['https://a.example', 'https://b.example'],
      foldIntervalMs: 10,
      logLevel: 'debug',
      rateLimitQueryPerMin: 0,
      statementTimeoutMs: 2500,
      lockTimeoutMs: 0,
      dbConcurrencyPerKey: 3,
      heapGrowthPercent: 0,
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/pulse' }).dbConcurrencyPerKey).toBe(4);
    expect(loadConfig({}).heapGrowthPercent).toBe(100);
  });

  it('refuses bad values, naming every bad variable and never echoing its value', () => {
    const bad = { PORT: '70000', DATABASE_URL: 'mysql://secret@db/x', REDIS_URL: 'not-a-url', DEMO: 'yes', LOG_LEVEL: 'loud', SHUTDOWN_TIMEOUT_MS: '1.5', STATEMENT_TIMEOUT_MS: '15s', RATE_LIMIT_INGEST_PER_MIN: '-1', DB_CONCURRENCY_PER_KEY: '0', HEAP_GROWTH_PERCENT: '400' };
    let error: unknown;
    try {
      loadConfig(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of Object.keys(bad)) expect(message).toMatch(new RegExp(`^  ${name}: `, 'm'));
    expect(message).not.toContain('secret');
  });

  it('is frozen: nothing changes it after start', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => Object.assign(config, { adminToken: 'x' })).toThrow(TypeError);
  });
});

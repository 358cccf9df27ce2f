import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '@pulse/db';
import { INGEST_LIMITS } from '@pulse/shared';
import { apiReference } from '@scalar/express-api-reference';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import { createOpenApiExpressMiddleware, generateOpenApiDocument } from 'trpc-to-openapi';
import { FailureThrottle } from './auth/failure-throttle.js';
import { KeyStore } from './auth/key-store.js';
import type { Cache } from './cache/cache.js';
import { KeyedSemaphore } from './concurrency/keyed-semaphore.js';
import type { Config } from './config.js';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from './http/db-errors.js';
import { sendError } from './http/error-body.js';
import { rootCause } from './http/errors.js';
import { rejectOversizedBatch } from './http/batch-cap.js';
import { asksCacheBypass } from './http/cache-bypass.js';
import { rejectDeepJson } from './http/json-depth.js';
import { normalizeRestErrors } from './http/normalize-errors.js';
import { rateLimits } from './http/rate-limit.js';
import { corsFor, cspNonce, securityHeaders } from './http/security.js';
import type { Logger } from './logger.js';
import { pendingRows } from './rollups/fold.js';
import { appRouter } from './routers/app-router.js';
import { type AppServices, type Context, statusOf } from './trpc/context.js';

export interface AppDeps {
  database: Database;
  cache: Cache;
  config: Config;
  logger: Logger;
}

const scalarBundle = fileURLToPath(import.meta.resolve('@scalar/api-reference/browser/standalone.js'));
const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export function buildOpenApiDocument() {
  return generateOpenApiDocument(appRouter, {
    title: 'Pulse API',
    description: 'Usage, cost and performance analytics for AI agents. See docs/API_SPEC.md.',
    version: '1.0.0',
    baseUrl: '/api/v1',
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
  });
}

/** Failed admin authentications one client may make per minute (docs/API_SPEC.md §6). */
const ADMIN_AUTH_FAILURES_PER_MIN = 20;

/** The express app, built from its dependencies so tests run it in-process. */
export function createApp(deps: AppDeps) {
  const { database, cache, config, logger } = deps;
  const services: AppServices = {
    ...deps,
    keys: new KeyStore(database),
    keyGate: new KeyedSemaphore(config.dbConcurrencyPerKey),
    adminThrottle: new FailureThrottle(ADMIN_AUTH_FAILURES_PER_MIN, 60_000),
    onWorkspaceWrite: (workspaceId) => cache.bumpVersion(workspaceId),
  };
  const createContext = ({ req, res }: { req: Request; res: Response }): Context => ({ ...services, req, res, cacheBypass: asksCacheBypass(req, config) });
  const showStack = config.nodeEnv === 'development';

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-ID', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/api/health' },
    }),
  );
  app.use(securityHeaders());
  const corsHandler = corsFor(config);
  if (corsHandler) app.use(['/api', '/trpc'], corsHandler);

  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/api/ready', async (_req, res) => {
    const cacheState = { kind: cache.kind, state: cache.state() };
    try {
      // The fold backlog: traces stored but not yet in the rollups (answers count them either way).
      const pending = await pendingRows(database);
      res.json({ status: 'ok', database: { driver: database.driver, state: 'ok' }, cache: cacheState, rollups: { pending_rows: pending } });
    } catch (err) {
      logger.error({ err }, 'readiness check: database unavailable');
      res.status(503).json({ status: 'unavailable', database: { driver: database.driver, state: 'down' }, cache: cacheState });
    }
  });

  const openApiDocument = buildOpenApiDocument();
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  // The interactive reference (Scalar), with its bundle served from our own node_modules:
  // no CDN, no fonts or AI agent fetched from Scalar's servers: it works offline.
  app.get('/api/docs/scalar.js', (_req, res) => {
    res.sendFile(scalarBundle, { maxAge: '1d' });
  });
  const reference = { url: '/api/openapi.json', cdn: '/api/docs/scalar.js', pageTitle: 'Pulse API reference', withDefaultFonts: false, agent: { disabled: true } };
  // Rendered per request: its inline script carries this response's CSP nonce.
  app.use('/api/docs', (req, res, next) => apiReference({ ...reference, nonce: cspNonce(res) })(req as never, res, next));

  app.use('/trpc', rejectOversizedBatch);
  app.use(['/api/v1', '/trpc'], rateLimits(config, cache.redisCommand, logger));

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext,
      maxBodySize: INGEST_LIMITS.maxBodyBytes,
      onError: ({ error, path: procedurePath }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: rootCause(error, true), path: procedurePath }, 'trpc error');
      },
    }),
  );

  app.use(
    '/api/v1',
    express.json({ limit: INGEST_LIMITS.maxBodyBytes }),
    rejectDeepJson,
    normalizeRestErrors(showStack),
    createOpenApiExpressMiddleware({
      router: appRouter,
      createContext,
      maxBodySize: INGEST_LIMITS.maxBodyBytes,
      // Procedures choose non-200 success codes (201, 204, 207) through setStatus().
      responseMeta: ({ ctx, errors }) => {
        const status = errors.length === 0 ? statusOf(ctx) : undefined;
        return status ? { status } : {};
      },
      onError: ({ error, path: procedurePath }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: rootCause(error, true), path: procedurePath }, 'rest error');
      },
    }),
  );

  app.use('/api', (_req, res) => {
    sendError(res, 404, { code: 'NOT_FOUND', message: 'No such API path' });
  });

  if (existsSync(webDist)) {
    // The dashboard's bundles are served gzipped: about a fifth of their size on the wire.
    app.use(compression());
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    // The SPA owns every other path: client-side routes reload to index.html.
    app.get('/{*path}', (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(webDist, 'index.html'));
    });
  } else {
    app.get('/', (_req, res) => {
      res.type('text').send('Pulse API is running. The dashboard is not built: run `npm run build`.');
    });
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; type?: string; message?: string; stack?: string };
    if (e.type === 'entity.too.large') {
      sendError(res, 413, { code: 'PAYLOAD_TOO_LARGE', message: `Request body is larger than ${INGEST_LIMITS.maxBodyBytes} bytes (5 MiB)` });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      sendError(res, 400, { code: 'PARSE_ERROR', message: 'Request body is not valid JSON' });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      sendError(res, 503, DATABASE_UNAVAILABLE);
      return;
    }
    if (e.status && e.status >= 400 && e.status < 500) {
      sendError(res, e.status, { code: 'BAD_REQUEST', message: e.message ?? 'Bad request' });
      return;
    }
    logger.error({ err }, 'unhandled error');
    sendError(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', ...(showStack && e.stack ? { stack: e.stack } : {}) });
  });

  return { app, services };
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '@pulse/db';
import { INGEST_LIMITS } from '@pulse/shared';
import { apiReference } from '@scalar/express-api-reference';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createOpenApiExpressMiddleware } from 'trpc-to-openapi';
import { type HostResolver, systemResolver } from './alerts/ssrf-guard.js';
import { FailureThrottle } from './auth/failure-throttle.js';
import { KeyStore } from './auth/key-store.js';
import type { Cache } from './cache/cache.js';
import { KeyedSemaphore } from './concurrency/keyed-semaphore.js';
import type { Config } from './config.js';
import { databaseUnavailableAnswer } from './http/db-errors.js';
import { sendError } from './http/error-body.js';
import { rootCause } from './http/errors.js';
import { acceptBodylessRequests } from './http/bodyless-requests.js';
import { rejectOversizedBatch } from './http/batch-cap.js';
import { asksCacheBypass } from './http/cache-bypass.js';
import { queryParamIssues } from './http/query-param-issues.js';
import { rejectDeepJson } from './http/json-depth.js';
import { parsedBodyOnce } from './http/parsed-body-once.js';
import { requestIdOf, requestLog } from './http/request-log.js';
import { noContentWithoutType } from './http/no-content.js';
import { normalizeRestErrors } from './http/normalize-errors.js';
import { rateLimits } from './http/rate-limit.js';
import { lazySecretBox, serverSecretBox } from './secrets/secret-box.js';
import { corsFor, cspNonce, securityHeaders } from './http/security.js';
import type { Logger } from './logger.js';
import { foldBacklog } from './rollups/fold.js';
import { repricingBacklog } from './prices/repricer.js';
import { OTLP_PATH, OTLP_ROOT_PATH } from './otlp/otlp-paths.js';
import { otlpTracesHandler } from './otlp/otlp-route.js';
import { TRACE_EXPORT_PATH, traceExportHandler } from './traces/export-route.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { appRouter } from './routers/app-router.js';
import { type AppServices, type Context, statusOf } from './trpc/context.js';
import { createLiveBus, type LiveBus } from './live/live-bus.js';

export interface AppDeps {
  database: Database;
  cache: Cache;
  config: Config;
  logger: Logger;
  /** Where writes are announced to live dashboards; in-process when not given. */
  live?: LiveBus;
  /** How webhook host names are resolved (tests inject their own answers); the system's DNS by default. */
  resolveHost?: HostResolver;
}

/** How long one webhook attempt may take (docs/API_SPEC.md §11). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

const scalarBundle = fileURLToPath(import.meta.resolve('@scalar/api-reference/browser/standalone.js'));
const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Failed admin authentications one client may make per minute (docs/API_SPEC.md §6). */
const ADMIN_AUTH_FAILURES_PER_MIN = 20;

/** The express app, built from its dependencies so tests run it in-process. */
export function createApp(deps: AppDeps) {
  const { database, cache, config, logger } = deps;
  const live = deps.live ?? createLiveBus(undefined, logger);
  const services: AppServices = {
    ...deps,
    live,
    keys: new KeyStore(database, live),
    keyGate: new KeyedSemaphore(config.dbConcurrencyPerKey),
    adminThrottle: new FailureThrottle(ADMIN_AUTH_FAILURES_PER_MIN, 60_000),
    onWorkspaceWrite: async (workspaceId) => {
      await cache.bumpVersion(workspaceId);
      live.publish(workspaceId);
    },
    alertDelivery: {
      box: lazySecretBox(() => serverSecretBox(config)),
      allowPrivate: config.alertAllowPrivateUrls,
      resolve: deps.resolveHost ?? systemResolver,
      retryBaseMs: config.alertRetryBaseMs,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
    },
  };
  const createContext = ({ req, res }: { req: Request; res: Response }): Context => ({
    ...services,
    req,
    res,
    cacheBypass: asksCacheBypass(req, config),
    queryParamIssues: [],
  });
  // The REST adapter drops empty query values as if absent; the procedures refuse them instead.
  const createRestContext = ({ req, res }: { req: Request; res: Response }): Context => ({ ...createContext({ req, res }), queryParamIssues: queryParamIssues(req) });
  const showStack = config.nodeEnv === 'development';

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLog(logger));
  app.use(securityHeaders());
  const corsHandler = corsFor(config);
  if (corsHandler) app.use(['/api', '/trpc'], corsHandler);

  app.get('/api/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/api/ready', async (_req, res) => {
    const cacheState = { kind: cache.kind, state: cache.state() };
    try {
      // The fold backlog: traces stored but not yet in the rollups (answers count them either way),
      // and those set aside because they cannot be folded (docs/API_SPEC.md §5).
      const backlog = await foldBacklog(database);
      // And the price changes whose stored calls are still to be rewritten (answers price them either way).
      const repricing = await repricingBacklog(database);
      res.json({
        status: 'ok',
        database: { driver: database.driver, state: 'ok' },
        cache: cacheState,
        rollups: { pending_rows: backlog.pending, quarantined_rows: backlog.quarantined, repricing_models: repricing },
      });
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
  app.use(['/api/v1', '/trpc', OTLP_ROOT_PATH], rateLimits(config, cache.redisCommand, logger));

  // OTLP reads its own body (protobuf or JSON, maybe gzip): before the JSON parser of /api/v1.
  app.post([OTLP_PATH, OTLP_ROOT_PATH], otlpTracesHandler(services));
  // A streamed answer, not JSON: before the REST adapter, which would take it for GET /traces/{id}.
  app.get(TRACE_EXPORT_PATH, traceExportHandler(services));

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext,
      maxBodySize: INGEST_LIMITS.maxBodyBytes,
      onError: ({ error, path: procedurePath, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          logger.error({ err: rootCause(error, true), path: procedurePath, request_id: req.res && requestIdOf(req.res) }, 'trpc error');
        }
      },
    }),
  );

  app.use(
    '/api/v1',
    acceptBodylessRequests(openApiDocument),
    express.json({ limit: INGEST_LIMITS.maxBodyBytes }),
    rejectDeepJson,
    parsedBodyOnce,
    noContentWithoutType,
    normalizeRestErrors(showStack),
    createOpenApiExpressMiddleware({
      router: appRouter,
      createContext: createRestContext,
      maxBodySize: INGEST_LIMITS.maxBodyBytes,
      // Procedures choose non-200 success codes (201, 204, 207) through setStatus().
      responseMeta: ({ ctx, errors }) => {
        const status = errors.length === 0 ? statusOf(ctx) : undefined;
        return status ? { status } : {};
      },
      onError: ({ error, path: procedurePath, req }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          logger.error({ err: rootCause(error, true), path: procedurePath, request_id: req.res && requestIdOf(req.res) }, 'rest error');
        }
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
    const unavailable = databaseUnavailableAnswer(err, res);
    const e = err as { status?: number; type?: string; message?: string; stack?: string };
    if (e.type === 'entity.too.large') {
      sendError(res, 413, { code: 'PAYLOAD_TOO_LARGE', message: `Request body is larger than ${INGEST_LIMITS.maxBodyBytes} bytes (5 MiB)` });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      sendError(res, 400, { code: 'PARSE_ERROR', message: 'Request body is not valid JSON', issues: [{ path: 'body', message: 'is not valid JSON' }] });
      return;
    }
    if (unavailable) {
      sendError(res, 503, unavailable);
      return;
    }
    if (e.status && e.status >= 400 && e.status < 500) {
      // Every other 4xx of the body parser is about the body (docs/API_SPEC.md §1: a 400 names its field).
      const message = e.message ?? 'Bad request';
      sendError(res, e.status, { code: 'BAD_REQUEST', message, ...(e.status === 400 ? { issues: [{ path: 'body', message }] } : {}) });
      return;
    }
    logger.error({ err, request_id: requestIdOf(res) }, 'unhandled error');
    sendError(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', ...(showStack && e.stack ? { stack: e.stack } : {}) });
  });

  return { app, services };
}

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { openDatabase } from '@pulse/db';
import { createApp } from './app.js';
import { createCache } from './cache/create-cache.js';
import type { Config } from './config.js';
import { createHttpServer } from './http/http-server.js';
import { ensureDemoWorkspace, startTrickle } from './demo/seed-demo.js';
import { trackConnections } from './http/graceful-close.js';
import type { Logger } from './logger.js';
import { createLiveBus } from './live/live-bus.js';
import { attachLiveSockets } from './live/live-sockets.js';
import { startRetention } from './retention/retention.js';
import { startEvaluatorWorker } from './evaluators/worker.js';
import { foldAll, startFolder } from './rollups/fold.js';
import { maintainDueTables, startVacuumStandIn } from './background/vacuum-stand-in.js';
import { startRepricer } from './prices/repricer.js';
import { startAlertWorker } from './alerts/worker.js';

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), then closes the pools. */
  shutdown(): Promise<void>;
}

/** Opens the database and cache, serves the app, and seeds the demo when asked. */
export async function startServer(config: Config, logger: Logger, print: (line: string) => void): Promise<RunningServer> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    statementTimeoutMs: config.statementTimeoutMs,
    lockTimeoutMs: config.lockTimeoutMs,
  });
  logger.info({ driver: database.driver, timescale: database.timescale }, 'database ready');
  const cache = await createCache(config, logger);
  const live = createLiveBus(config.redisUrl, logger);
  const folder = startFolder(database, logger, { intervalMs: config.foldIntervalMs });
  const vacuum = startVacuumStandIn(database, logger);
  const repricer = startRepricer(database, logger, { intervalMs: config.repriceIntervalMs });
  // The demo prints an admin token to use; the configuration itself stays as loaded.
  const adminToken = config.adminToken ?? (config.demo ? randomBytes(24).toString('base64url') : undefined);

  const { app, services } = createApp({ database, cache, config: { ...config, adminToken }, logger, live });
  const retention = startRetention(database, logger, { intervalMs: config.retentionIntervalMs, onWorkspaceChanged: services.onWorkspaceWrite });
  const evaluatorWorker = startEvaluatorWorker({ database, config, logger, onWorkspaceWrite: services.onWorkspaceWrite });
  const alerts = startAlertWorker(database, logger, { intervalMs: config.alertIntervalMs, delivery: services.alertDelivery });
  const server = createHttpServer(app).listen(config.port, config.host);
  const sockets = attachLiveSockets(server, services);
  const connections = trackConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  logger.info({ url }, 'listening');

  let stopTrickle: () => Promise<void> = async () => {};
  if (config.demo) {
    print('Preparing the demo workspace…');
    let lastPrinted = 0;
    const demo = await ensureDemoWorkspace(database, logger, {
      seed: config.demoSeed,
      targetTraces: config.demoTraces,
      onProgress: (stored) => {
        if (stored - lastPrinted >= 50_000) {
          lastPrinted = stored;
          print(`  ${stored.toLocaleString('en-US')} demo traces stored`);
        }
      },
    });
    if (demo.seeded) {
      // The seeded calls wait in the fold queue. On the embedded database a fold holds the one
      // thread requests run on too: the first page opened right after the URL waited ~20 s
      // behind the rest of the seeding's fold. Folded first, every page answers at once.
      const foldStarted = Date.now();
      await foldAll(database);
      print(
        `Demo data: ${demo.seeded.toLocaleString('en-US')} traces in ${(demo.seedMs / 1000).toFixed(1)} s, folded into the rollups in ${((Date.now() - foldStarted) / 1000).toFixed(1)} s`,
      );
      // Their statistics too, where no autovacuum takes them (the embedded database): the first
      // pages must not be planned as if the tables were empty.
      await maintainDueTables(database);
    }
    await services.onWorkspaceWrite(demo.workspaceId);
    // The previous demo key was revoked: replicas that still trust it forget it.
    live.publishKeyChange(demo.workspaceId);
    if (config.demoTrickleRate > 0) {
      stopTrickle = startTrickle(database, demo.workspaceId, {
        seed: config.demoSeed,
        perSecond: config.demoTrickleRate,
        logger,
        onWrite: () => services.onWorkspaceWrite(demo.workspaceId),
      });
    }
    print('');
    print(`  Pulse is running: ${url}/#key=${demo.apiKey}&workspace=${demo.workspaceId}`);
    print(`  Workspace id:     ${demo.workspaceId}`);
    print(`  API key:          ${demo.apiKey}`);
    print(`  Admin token:      ${adminToken}`);
    print(`  API reference:    ${url}/api/docs`);
    print('');
  } else {
    print(`Pulse is running: ${url}`);
  }

  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      logger.info('shutting down');
      // Stop accepting at once; requests already received finish (up to the deadline).
      const drained = connections.close(config.shutdownTimeoutMs);
      await sockets.close();
      await stopTrickle();
      if (!(await drained)) logger.warn({ deadlineMs: config.shutdownTimeoutMs }, 'shutdown deadline reached: open requests were cut off');
      await retention.stop();
      await evaluatorWorker.stop();
      await repricer.stop();
      await folder.stop();
      await vacuum.stop();
      await live.close();
      await alerts.stop();
      await cache.close();
      await database.close();
      logger.info('shut down cleanly');
    })());
  return { server, url, shutdown };
}

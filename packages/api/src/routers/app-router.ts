import { router } from '../trpc/trpc.js';
import { adminRouter } from './admin.js';
import { alertsRouter } from './alerts.js';
import { costRouter } from './cost.js';
import { evaluatorsRouter } from './evaluators.js';
import { impactRouter } from './impact.js';
import { ingestRouter } from './ingest.js';
import { liveRouter } from './live.js';
import { keysRouter } from './keys.js';
import { performanceRouter } from './performance.js';
import { qualityRouter } from './quality.js';
import { scoresRouter } from './scores.js';
import { pricesRouter } from './prices.js';
import { sessionsRouter } from './sessions.js';
import { tracesRouter } from './traces.js';
import { usageRouter } from './usage.js';
import { workspaceRouter } from './workspace.js';
import { safetyRouter } from './safety.js';
import { settingsRouter } from './settings.js';

/** The whole API: tRPC at /trpc, the same procedures as REST under /api/v1. */
export const appRouter = router({
  ingest: ingestRouter,
  admin: adminRouter,
  usage: usageRouter,
  cost: costRouter,
  performance: performanceRouter,
  workspace: workspaceRouter,
  live: liveRouter,
  scores: scoresRouter,
  quality: qualityRouter,
  evaluators: evaluatorsRouter,
  alerts: alertsRouter,
  keys: keysRouter,
  prices: pricesRouter,
  safety: safetyRouter,
  settings: settingsRouter,
  impact: impactRouter,
  traces: tracesRouter,
  sessions: sessionsRouter,
});

export type AppRouter = typeof appRouter;

import { router } from '../trpc/trpc.js';
import { adminRouter } from './admin.js';
import { costRouter } from './cost.js';
import { ingestRouter } from './ingest.js';
import { performanceRouter } from './performance.js';
import { sessionsRouter } from './sessions.js';
import { tracesRouter } from './traces.js';
import { usageRouter } from './usage.js';
import { workspaceRouter } from './workspace.js';

/** The whole API: tRPC at /trpc, the same procedures as REST under /api/v1. */
export const appRouter = router({
  ingest: ingestRouter,
  admin: adminRouter,
  usage: usageRouter,
  cost: costRouter,
  performance: performanceRouter,
  workspace: workspaceRouter,
  traces: tracesRouter,
  sessions: sessionsRouter,
});

export type AppRouter = typeof appRouter;

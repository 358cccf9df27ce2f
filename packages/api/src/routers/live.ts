import { workspaceChanges } from '../live/workspace-changes.js';
import { router, workspaceProcedure } from '../trpc/trpc.js';

/**
 * Live dashboards (docs/API_SPEC.md §6): a tRPC subscription over the WebSocket at /trpc,
 * authenticated and scoped like every workspace read. Each event says "this workspace has new
 * data": the dashboard refetches what it shows instead of polling.
 */
export const liveRouter = router({
  changes: workspaceProcedure.meta({ scope: 'read' }).subscription(({ ctx, signal }) => workspaceChanges(ctx.live, ctx.workspaceId, signal)),
});

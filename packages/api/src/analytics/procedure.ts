import type { WindowInput } from '@pulse/shared';
import type { Context } from '../trpc/context.js';
import type { QueryContext } from './context.js';
import { resolveWindow, type TimeWindow } from './window.js';

/** The query context and resolved window of an analytics request. */
export function analyticsRequest(ctx: Context & { workspaceId: string }, input: WindowInput): { q: QueryContext; window: TimeWindow } {
  const now = Date.now();
  return {
    q: {
      database: ctx.database,
      now,
      scope: { workspaceId: ctx.workspaceId, agentId: input.agent_id, model: input.model, timescale: ctx.database.timescale },
    },
    window: resolveWindow(input, now),
  };
}

import type { AnalyticsPath, ImpactPath, QualityPath, SafetyPath, WindowInput } from '@pulse/shared';
import type { z } from 'zod';
import type { CacheClass } from '../cache/cached.js';
import { cachedAnswerOutput } from '../cache/checked-answers.js';
import { cachedAnswer } from '../trpc/cached-answer.js';
import { loadPendingRepricing } from '../prices/pending-repricing.js';
import type { Context } from '../trpc/context.js';
import { cachedReadProcedure } from '../trpc/trpc.js';
import type { BudgetContext } from './budget.js';
import type { QueryContext } from './context.js';
import { resolveWindow, type TimeWindow } from './window.js';

/**
 * The query context and resolved window of an analytics request, with the workspace's models
 * still being re-priced (one small read; an answer from the cache needs none).
 */
async function analyticsRequest(ctx: Context & { workspaceId: string }, input: WindowInput): Promise<{ q: QueryContext; window: TimeWindow }> {
  const now = Date.now();
  const repricing = await loadPendingRepricing(ctx.database.db, ctx.workspaceId);
  return {
    q: {
      database: ctx.database,
      now,
      scope: { workspaceId: ctx.workspaceId, agentId: input.agent_id, model: input.model, tag: input.tag, timescale: ctx.database.timescale, repricing },
    },
    window: resolveWindow(input, now),
  };
}

/** The budget's context of a request: its workspace's current month, no window needed. */
export function budgetRequest(ctx: Context & { workspaceId: string }): BudgetContext {
  return { database: ctx.database, workspaceId: ctx.workspaceId, timescale: ctx.database.timescale, now: Date.now() };
}

interface AnalyticsDefinition<I extends z.ZodType<WindowInput>, O extends z.ZodType> {
  /** Procedure name, also the cache key's namespace. */
  name: string;
  /** REST path under /api/v1: one of the twelve of docs/API_SPEC.md §4, or of §10, §12 or §14 (a typo does not compile). */
  path: AnalyticsPath | QualityPath | SafetyPath | ImpactPath;
  summary: string;
  kind: CacheClass;
  input: I;
  output: O;
}

/**
 * One analytics GET: authenticated for the workspace, served as tRPC and REST from the same
 * code, answered through the versioned cache, computed over the request's resolved window.
 */
export function analyticsQuery<I extends z.ZodType<WindowInput>, O extends z.ZodType>(
  def: AnalyticsDefinition<I, O>,
  run: (q: QueryContext, window: TimeWindow, input: z.output<I>) => Promise<z.input<O>>,
) {
  const tag = def.name.split('.')[0]!;
  return cachedReadProcedure
    .meta({ openapi: { method: 'GET', path: def.path, tags: [tag], protect: true, summary: def.summary }, scope: 'read' })
    .input(def.input)
    .output(cachedAnswerOutput(def.output))
    .query(
      ({ ctx, input }) =>
        // `run` is typed against the output schema already; tRPC's generic default-value
        // type cannot be named here, and the output parser checks every answer anyway.
        cachedAnswer(ctx, def.name, input as Record<string, unknown>, def.kind, def.output, async () => {
          const { q, window } = await analyticsRequest(ctx, input as WindowInput);
          return run(q, window, input as z.output<I>);
        }) as never,
    );
}

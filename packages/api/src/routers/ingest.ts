import { ingestEnvelopeSchema, ingestResponseSchema } from '@pulse/shared';
import { ingestTraces } from '../ingest/ingest-traces.js';
import { cachedSettings } from '../safety/settings-store.js';
import { setStatus } from '../trpc/context.js';
import { keyProcedure, router } from '../trpc/trpc.js';

export const ingestRouter = router({
  traces: keyProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/traces',
        tags: ['ingest'],
        summary: 'Send a batch of 1–1000 traces',
        description:
          'Each trace is validated on its own: valid ones are stored (200), invalid ones are listed in `rejected` (207). ' +
          'A trace re-sent with the same trace_id and timestamp counts as a duplicate and is not stored again.',
        protect: true,
      },
      answers: { partial: true },
      scope: 'ingest',
    })
    .input(ingestEnvelopeSchema)
    .output(ingestResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const settings = await cachedSettings(ctx, ctx.workspaceId);
      const result = await ingestTraces(ctx.database, ctx.workspaceId, input.traces, { redactPii: settings.redact_pii });
      if (result.accepted > 0) await ctx.onWorkspaceWrite(ctx.workspaceId);
      // Some items rejected, the rest stored: 207 Multi-Status (docs/API_SPEC.md §2).
      if (result.rejected.length > 0) setStatus(ctx, 207);
      return result;
    }),
});

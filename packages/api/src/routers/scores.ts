import { scoresEnvelopeSchema, scoresResponseSchema } from '@pulse/shared';
import { writeScores } from '../scores/write-scores.js';
import { setStatus } from '../trpc/context.js';
import { keyProcedure, router } from '../trpc/trpc.js';

export const scoresRouter = router({
  write: keyProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/scores',
        tags: ['scores'],
        summary: 'Score calls: a batch of 1–1000 scores',
        description:
          'Each score is validated on its own and attaches to the workspace\'s trace with its trace_id: valid ones are stored (200), ' +
          'invalid ones, and those of unknown traces, are listed in `rejected` (207). The same trace_id, name and source again replaces the value.',
        protect: true,
      },
      scope: 'ingest',
      answers: { partial: true },
    })
    .input(scoresEnvelopeSchema)
    .output(scoresResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await writeScores(ctx.database, ctx.workspaceId, input.scores);
      if (result.accepted + result.updated > 0) await ctx.onWorkspaceWrite(ctx.workspaceId);
      // Some items rejected, the rest stored: 207 Multi-Status (docs/API_SPEC.md §10).
      if (result.rejected.length > 0) setStatus(ctx, 207);
      return result;
    }),
});

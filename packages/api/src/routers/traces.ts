import { traceDetailInputSchema, traceDetailSchema, traceListInputSchema, traceListSchema } from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { pageAnswer } from '../traces/page-answer.js';
import { traceDetail } from '../traces/trace-detail.js';
import { tracePage } from '../traces/trace-query.js';
import { router, workspaceQueryProcedure } from '../trpc/trpc.js';

const tags = ['traces'];

/** The calls themselves (docs/API_SPEC.md §8): read fresh from raw traces, never cached. */
export const tracesRouter = router({
  list: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/traces', tags, protect: true, summary: 'The calls of the window, newest first, a page at a time' }, scope: 'read' })
    .input(traceListInputSchema)
    .output(traceListSchema)
    .query(({ ctx, input }) => pageAnswer(ctx, input, tracePage)),
  get: workspaceQueryProcedure
    .meta({
      openapi: { method: 'GET', path: '/traces/{id}', tags, protect: true, summary: 'One call with its input, output, metadata and scores' },
      answers: { notFound: { when: 'No trace of this workspace has this id', message: 'No trace 0194f1c2-7a1e-7c3b-9f00-2d5e8a9b1c01 in this workspace' } },
      scope: 'read',
    })
    .input(traceDetailInputSchema)
    .output(traceDetailSchema)
    .query(async ({ ctx, input }) => {
      const found = await traceDetail(ctx.database, ctx.workspaceId, input.id);
      if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `No trace ${input.id} in this workspace` });
      return found;
    }),
});

import { sessionListInputSchema, sessionListSchema } from '@pulse/shared';
import { pageAnswer } from '../traces/page-answer.js';
import { sessionPage } from '../traces/sessions.js';
import { router, workspaceQueryProcedure } from '../trpc/trpc.js';

/** Conversations and tasks: the calls of each session_id in the window (docs/API_SPEC.md §8). */
export const sessionsRouter = router({
  list: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/sessions', tags: ['sessions'], protect: true, summary: 'Sessions with calls in the window, most recently active first' }, scope: 'read' })
    .input(sessionListInputSchema)
    .output(sessionListSchema)
    .query(({ ctx, input }) => pageAnswer(ctx, input, sessionPage)),
});

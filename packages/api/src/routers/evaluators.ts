import { evaluatorInputSchema, evaluatorListInputSchema, evaluatorListSchema, evaluatorPathSchema, evaluatorSchema } from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { deleteEvaluator, findEvaluator, listEvaluators, saveEvaluator } from '../evaluators/evaluator-store.js';
import { serverSecretBox } from '../secrets/secret-box.js';
import { setStatus } from '../trpc/context.js';
import { router, workspaceProcedure, workspaceQueryProcedure } from '../trpc/trpc.js';

const tags = ['evaluators'];
const protect = true;
const notFound = { when: 'The workspace has no evaluator of that name', message: 'No evaluator helpfulness in this workspace' };
const missing = (name: string) => new TRPCError({ code: 'NOT_FOUND', message: `No evaluator ${name} in this workspace` });

/** Evaluators: LLM judges and rules that score calls automatically (docs/API_SPEC.md §13). */
export const evaluatorsRouter = router({
  list: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/evaluators', tags, protect, summary: 'Every evaluator of the workspace, with its status' }, scope: 'read' })
    .input(evaluatorListInputSchema)
    .output(evaluatorListSchema)
    .query(async ({ ctx }) => ({ data: await listEvaluators(ctx.database, ctx.workspaceId) })),

  get: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/evaluators/{name}', tags, protect, summary: 'One evaluator, with its status' }, answers: { notFound }, scope: 'read' })
    .input(evaluatorPathSchema)
    .output(evaluatorSchema)
    .query(async ({ ctx, input }) => {
      const evaluator = await findEvaluator(ctx.database, ctx.workspaceId, input.name);
      if (!evaluator) throw missing(input.name);
      return evaluator;
    }),

  put: workspaceProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/evaluators/{name}',
        tags,
        protect,
        summary: 'Create or replace an evaluator',
        description: 'A new evaluator judges the calls stored from then on. `llm.api_key` is stored encrypted and never answered (`has_api_key`); omitted, the stored key is kept.',
      },
      scope: 'admin',
    })
    .input(evaluatorInputSchema)
    .output(evaluatorSchema)
    .mutation(({ ctx, input }) => saveEvaluator(ctx.database, serverSecretBox(ctx.config), ctx.workspaceId, input)),

  delete: workspaceProcedure
    .meta({ openapi: { method: 'DELETE', path: '/evaluators/{name}', tags, protect, summary: 'Delete an evaluator (its scores stay)' }, answers: { success: 204, notFound }, scope: 'admin' })
    .input(evaluatorPathSchema)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      if (!(await deleteEvaluator(ctx.database, ctx.workspaceId, input.name))) throw missing(input.name);
      setStatus(ctx, 204);
    }),
});

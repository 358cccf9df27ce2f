import { modelNameSchema, priceEntrySchema, priceInputSchema, priceModelInputSchema, pricesQueryInputSchema, pricesSchema } from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { deletePrice, listPrices, putPrice } from '../prices/workspace-prices.js';
import { setStatus } from '../trpc/context.js';
import { pathParam } from '../trpc/path-param.js';
import { router, workspaceProcedure, workspaceQueryProcedure } from '../trpc/trpc.js';

const tags = ['prices'];
const protect = true;
const notFound = { when: 'The workspace has no price of its own for that model', message: 'No price override for model openai/gpt-4o' };

/** The workspace's prices (docs/API_SPEC.md §9). A change re-prices the stored calls before it answers. */
export const pricesRouter = router({
  list: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/prices', tags, protect, summary: 'Every catalog model and every price override, by name' }, scope: 'read' })
    .input(pricesQueryInputSchema)
    .output(pricesSchema)
    .query(({ ctx }) => listPrices(ctx.database, ctx.workspaceId)),

  set: workspaceProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/prices/{model}',
        tags,
        protect,
        summary: "Set the workspace's price of one model",
        description:
          'The exact model name, URL-encoded in the path (`openai%2Fgpt-4o`). Cache prices default to the input price; ' +
          'without `effective_from` the price applies to every call. Stored calls without a client cost are re-priced before the answer.',
      },
      scope: 'admin',
    })
    .input(priceInputSchema)
    .output(priceEntrySchema)
    .mutation(async ({ ctx, input }) => {
      const entry = await putPrice(ctx.database, ctx.workspaceId, { ...input, model: pathParam(ctx, 'model', input.model, modelNameSchema) });
      await ctx.onWorkspaceWrite(ctx.workspaceId);
      return entry;
    }),

  remove: workspaceProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/prices/{model}',
        tags,
        protect,
        summary: "Remove the workspace's price of one model",
        description: "The model's calls go back to the catalog price (or to unpriced); stored calls are re-priced before the answer.",
      },
      answers: { success: 204, notFound },
      scope: 'admin',
    })
    .input(priceModelInputSchema)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      const model = pathParam(ctx, 'model', input.model, modelNameSchema);
      if (!(await deletePrice(ctx.database, ctx.workspaceId, model))) {
        throw new TRPCError({ code: 'NOT_FOUND', message: `No price override for model ${model}` });
      }
      await ctx.onWorkspaceWrite(ctx.workspaceId);
      setStatus(ctx, 204);
    }),
});

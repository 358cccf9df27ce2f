import { schema } from '@pulse/db';
import { createdKeySchema, createWorkspaceKeyInputSchema, keyIdPathSchema, keyListInputSchema, keyListSchema } from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { issueKey } from '../admin/workspaces.js';
import { setStatus } from '../trpc/context.js';
import { router, workspaceProcedure, workspaceQueryProcedure } from '../trpc/trpc.js';

const tags = ['keys'];
const protect = true;
const { apiKeys } = schema;

/** The workspace's own key management (the Settings page), for keys with the admin scope (docs/API_SPEC.md §1). */
export const keysRouter = router({
  list: workspaceQueryProcedure
    .meta({ openapi: { method: 'GET', path: '/keys', tags, protect, summary: "The workspace's API keys (never the keys themselves)" }, scope: 'admin' })
    .input(keyListInputSchema)
    .output(keyListSchema)
    .query(async ({ ctx }) => {
      const found = await ctx.database.db.select().from(apiKeys).where(eq(apiKeys.workspaceId, ctx.workspaceId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
      return {
        data: found.map((k) => ({
          key_id: k.id,
          name: k.name,
          prefix: k.prefix,
          scopes: k.scopes,
          created_at: k.createdAt.toISOString(),
          last_used_at: k.lastUsedAt?.toISOString() ?? null,
          revoked: k.revokedAt !== null,
        })),
      };
    }),

  create: workspaceProcedure
    .meta({
      openapi: { method: 'POST', path: '/keys', tags, protect, summary: 'Issue an API key for the workspace', successDescription: 'Created; the key is shown only this once' },
      answers: { success: 201 },
      scope: 'admin',
    })
    .input(createWorkspaceKeyInputSchema)
    .output(createdKeySchema)
    .mutation(async ({ ctx, input }) => {
      const key = await issueKey(ctx.database.db, ctx.workspaceId, input.name, input.scopes);
      setStatus(ctx, 201);
      return { ...key, last_used_at: null, revoked: false };
    }),

  revoke: workspaceProcedure
    .meta({
      openapi: { method: 'DELETE', path: '/keys/{key_id}', tags, protect, summary: 'Revoke an API key of the workspace' },
      answers: { success: 204, notFound: { when: 'The workspace has no active key with that id', message: 'No active key 0194f1c2-7b40-7d15-8e21-5f3a1c9d0e42' } },
      scope: 'admin',
    })
    .input(keyIdPathSchema)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      if (!(await ctx.keys.revoke(ctx.workspaceId, input.key_id))) throw new TRPCError({ code: 'NOT_FOUND', message: `No active key ${input.key_id}` });
      setStatus(ctx, 204);
    }),
});

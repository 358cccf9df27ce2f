import { schema } from '@pulse/db';
import {
  createKeyInputSchema,
  createKeyResponseSchema,
  createWorkspaceInputSchema,
  createWorkspaceResponseSchema,
  keyPathSchema,
} from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { createWorkspace, issueKey } from '../admin/workspaces.js';
import { setStatus } from '../trpc/context.js';
import { adminProcedure, router } from '../trpc/trpc.js';

const tags = ['admin'];

export const adminRouter = router({
  createWorkspace: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/workspaces',
        tags,
        summary: 'Create a workspace and its first API key',
        successDescription: 'Created; the key is shown only this once',
        protect: true,
      },
      answers: { success: 201 },
    })
    .input(createWorkspaceInputSchema)
    .output(createWorkspaceResponseSchema)
    .mutation(async ({ ctx, input }) => {
      setStatus(ctx, 201);
      return createWorkspace(ctx.database, input.name);
    }),

  createKey: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/workspaces/{workspace_id}/keys',
        tags,
        summary: 'Issue another API key for a workspace',
        description: 'The body is optional: `name` and `scopes` (a subset of ingest, read, admin; all three when omitted). Without one, send no Content-Type or JSON.',
        successDescription: 'Created; the key is shown only this once',
        protect: true,
      },
      answers: {
        success: 201,
        notFound: { when: 'No such workspace', message: 'Workspace 0194f1c2-7a1e-7c3b-9f00-2d5e8a9b1c01 not found' },
      },
    })
    .input(createKeyInputSchema)
    .output(createKeyResponseSchema)
    .mutation(async ({ ctx, input }) => {
      const [ws] = await ctx.database.db
        .select({ id: schema.workspaces.id })
        .from(schema.workspaces)
        .where(eq(schema.workspaces.id, input.workspace_id));
      if (!ws) throw new TRPCError({ code: 'NOT_FOUND', message: `Workspace ${input.workspace_id} not found` });
      setStatus(ctx, 201);
      const { key_id, api_key, scopes } = await issueKey(ctx.database.db, input.workspace_id, input.name, input.scopes);
      return { key_id, api_key, scopes };
    }),

  revokeKey: adminProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/admin/workspaces/{workspace_id}/keys/{key_id}',
        tags,
        summary: 'Revoke an API key',
        protect: true,
      },
      answers: {
        success: 204,
        notFound: {
          when: 'The workspace has no active key with that id',
          message:
            'No active key 0194f1c2-7b40-7d15-8e21-5f3a1c9d0e42 in workspace 0194f1c2-7a1e-7c3b-9f00-2d5e8a9b1c01',
        },
      },
    })
    .input(keyPathSchema)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      if (!(await ctx.keys.revoke(input.workspace_id, input.key_id))) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `No active key ${input.key_id} in workspace ${input.workspace_id}`,
        });
      }
      setStatus(ctx, 204);
    }),
});

import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { bearerToken, secretsEqual } from '../auth/keys.js';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../http/db-errors.js';
import { rootCause } from '../http/errors.js';
import type { Context } from './context.js';
import { InvalidInputError } from './input-error.js';
import { trpcErrorBody } from './trpc-error-body.js';

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    // tRPC's envelope keeps its own fields; message, issues and stack are the error body's.
    errorFormatter({ shape, error, ctx }) {
      const showStack = ctx?.config.nodeEnv === 'development';
      const body = trpcErrorBody(error, showStack, shape.data.stack);
      return {
        ...shape,
        message: body.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          issues: body.issues,
          ...(showStack ? { stack: shape.data.stack } : {}),
        },
      };
    },
  });

export const router = t.router;

/** A lost or unreachable database is a 503 the client may retry, not a 500. */
const baseProcedure = t.procedure.use(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && isDatabaseUnavailable(result.error)) {
    ctx.logger.warn({ err: rootCause(result.error) }, 'database unavailable');
    throw new TRPCError({ code: DATABASE_UNAVAILABLE.code, message: DATABASE_UNAVAILABLE.message, cause: result.error });
  }
  return result;
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function header(ctx: Context, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function keyOwner(ctx: Context) {
  const key = bearerToken(ctx.req.headers.authorization);
  if (!key) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Missing API key: send Authorization: Bearer <key>' });
  const owner = await ctx.keys.authenticate(key);
  if (!owner) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Unknown or revoked API key' });
  return owner;
}

/** Ingest: the workspace is the key's; an X-Workspace-ID that disagrees is 403 (docs/API_SPEC.md §2). */
export const keyProcedure = baseProcedure.use(async ({ ctx, next }) => {
  const owner = await keyOwner(ctx);
  const claimed = header(ctx, 'x-workspace-id');
  if (claimed !== undefined && claimed.toLowerCase() !== owner.workspaceId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'The API key does not belong to the workspace in X-Workspace-ID' });
  }
  return next({ ctx: { ...ctx, workspaceId: owner.workspaceId } });
});

/** Analytics and budget: X-Workspace-ID (400), then the key (401), then ownership (403), in that order. */
export const workspaceProcedure = baseProcedure.use(async ({ ctx, next }) => {
  const claimed = header(ctx, 'x-workspace-id');
  if (!claimed) throw new InvalidInputError([{ path: 'X-Workspace-ID', message: 'is required' }], 'Missing X-Workspace-ID header');
  if (!UUID_RE.test(claimed)) {
    throw new InvalidInputError([{ path: 'X-Workspace-ID', message: 'must be a UUID' }], 'Malformed X-Workspace-ID header: expected a UUID');
  }
  const owner = await keyOwner(ctx);
  if (owner.workspaceId !== claimed.toLowerCase()) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'The API key does not belong to the workspace in X-Workspace-ID' });
  }
  return next({ ctx: { ...ctx, workspaceId: owner.workspaceId } });
});

/**
 * Analytics and budget reads: over REST a query parameter the adapter would drop silently (an
 * empty one such as `agent_id=`) is a 400 naming it rather than taken as absent
 * (docs/API_SPEC.md §3); checked after authentication, as every other parameter is.
 */
export const workspaceQueryProcedure = workspaceProcedure.use(({ ctx, next }) => {
  const [first, ...rest] = ctx.queryParamIssues;
  if (first) throw new InvalidInputError([first, ...rest]);
  return next();
});

/** Admin API: 403 to everyone without ADMIN_TOKEN; otherwise the bearer must equal it (401). */
export const adminProcedure = baseProcedure.use(async ({ ctx, next }) => {
  const configured = ctx.config.adminToken;
  if (!configured) throw new TRPCError({ code: 'FORBIDDEN', message: 'The admin API is disabled: ADMIN_TOKEN is not set' });
  const token = bearerToken(ctx.req.headers.authorization);
  if (!token || !secretsEqual(token, configured)) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Missing or wrong admin token' });
  }
  return next();
});

import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { KeyOwner } from '../auth/key-store.js';
import { bearerToken, secretsEqual } from '../auth/keys.js';
import { scopeRefusal } from '../auth/scopes.js';
import { claimedWorkspace, header, keyOwner } from '../auth/workspace-access.js';
import { databaseUnavailableAnswer } from '../http/db-errors.js';
import { rootCause } from '../http/errors.js';
import { noteWorkspace, requestIdOf } from '../http/request-log.js';
import type { Context } from './context.js';
import { inKeyTurn } from './key-turn.js';
import { InvalidInputError } from './input-error.js';
import type { PulseMeta } from './meta.js';
import { trpcErrorBody } from './trpc-error-body.js';

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta<PulseMeta>>()
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

/** A lost, unreachable or busy (timed out) database is a 503 the client may retry, not a 500. */
const baseProcedure = t.procedure.use(async ({ ctx, next }) => {
  const result = await next();
  const unavailable = result.ok ? undefined : databaseUnavailableAnswer(result.error, ctx.res);
  if (!result.ok && unavailable) {
    ctx.logger.warn({ err: rootCause(result.error), request_id: requestIdOf(ctx.res) }, unavailable.message);
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: unavailable.message, cause: result.error });
  }
  return result;
});

/**
 * One API key runs at most DB_CONCURRENCY_PER_KEY procedure calls at once, the lookup of the
 * key included; its other calls (a batch's, or other requests') wait their turn, so one
 * tenant cannot take every database connection (docs/API_SPEC.md §5). Cached reads take their
 * key's turn only to compute an answer (cachedReadProcedure, cachedAnswer).
 */
const perKeyProcedure = baseProcedure.use(({ ctx, next }) => inKeyTurn(ctx, () => next()));

/**
 * The one place key scopes are enforced (docs/API_SPEC.md §1): after the workspace checks, a key
 * without the procedure's declared scope is a 403 naming it. A procedure that declares none is
 * refused to every key: forgetting the declaration closes the door rather than opening it.
 */
function requireScope(meta: PulseMeta | undefined, owner: KeyOwner): void {
  const needed = meta?.scope;
  if (!needed) throw new TRPCError({ code: 'FORBIDDEN', message: 'This operation declares no API key scope; no key may call it' });
  const refusal = scopeRefusal(owner.scopes, needed);
  if (refusal) throw new TRPCError({ code: 'FORBIDDEN', message: refusal });
}

/** Ingest: the workspace is the key's; an X-Workspace-ID that disagrees is 403 (docs/API_SPEC.md §2). */
export const keyProcedure = perKeyProcedure.meta({ auth: 'key' }).use(async ({ ctx, meta, next }) => {
  const owner = await keyOwner(ctx.keys, ctx.req);
  const claimed = header(ctx.req, 'x-workspace-id');
  if (claimed !== undefined && claimed.toLowerCase() !== owner.workspaceId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'The API key does not belong to the workspace in X-Workspace-ID' });
  }
  requireScope(meta, owner);
  noteWorkspace(ctx.res, owner.workspaceId);
  // tRPC merges what next() is given into the context: the workspace alone, not a copy of it all.
  return next({ ctx: { workspaceId: owner.workspaceId } });
});

/** Analytics and budget: X-Workspace-ID (400), then the key (401), then ownership (403), in that order. */
async function workspaceOf(ctx: Context, meta: PulseMeta | undefined): Promise<string> {
  const owner = await claimedWorkspace(ctx.keys, ctx.req);
  requireScope(meta, owner);
  noteWorkspace(ctx.res, owner.workspaceId);
  return owner.workspaceId;
}

/**
 * Reads: over REST a query parameter the adapter would drop silently (an empty one such as
 * `agent_id=`) is a 400 naming it rather than taken as absent (docs/API_SPEC.md §3); checked
 * after authentication, as every other parameter is.
 */
function refuseDroppedQueryParams(ctx: Context): void {
  const [first, ...rest] = ctx.queryParamIssues;
  if (first) throw new InvalidInputError([first, ...rest]);
}

const workspaceAuth = t.middleware(async ({ ctx, meta, next }) => next({ ctx: { workspaceId: await workspaceOf(ctx, meta) } }));

/**
 * Authentication and the query parameters' check in one middleware: each level of tRPC's
 * middleware chain copies the call's options, a cost every cached answer pays
 * (docs/BENCHMARKS.md, "The cached hit's own work").
 */
const workspaceReadAuth = t.middleware(async ({ ctx, meta, next }) => {
  const workspaceId = await workspaceOf(ctx, meta);
  refuseDroppedQueryParams(ctx);
  return next({ ctx: { workspaceId } });
});

export const workspaceProcedure = perKeyProcedure.meta({ auth: 'workspace' }).use(workspaceAuth);

export const workspaceQueryProcedure = perKeyProcedure.meta({ auth: 'workspace' }).use(workspaceReadAuth);

/**
 * Reads answered through the versioned cache (analytics, budget): a cached answer reads no
 * database (the key itself comes from the key cache, a small read when not there), so
 * it does not wait behind its key's computations; cachedAnswer() takes the key's turn for an
 * answer it computes. Twenty dashboards sharing a key get their cached answers while the key's
 * turns compute others.
 */
export const cachedReadProcedure = baseProcedure.meta({ auth: 'workspace' }).use(workspaceReadAuth);

/**
 * Admin API: 403 to everyone without ADMIN_TOKEN; otherwise the bearer must equal it (401).
 * A client with too many failed attempts is refused with 429 before its token is compared
 * (docs/API_SPEC.md §6); the check, the comparison and the count run without a pause between.
 */
export const adminProcedure = baseProcedure.meta({ auth: 'admin' }).use(async ({ ctx, next }) => {
  const configured = ctx.config.adminToken;
  if (!configured) throw new TRPCError({ code: 'FORBIDDEN', message: 'The admin API is disabled: ADMIN_TOKEN is not set' });
  const client = ctx.req.socket.remoteAddress ?? '';
  const retryAfter = ctx.adminThrottle.retryAfterSeconds(client);
  if (retryAfter > 0) {
    ctx.res.setHeader('Retry-After', String(retryAfter));
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many failed admin authentications: at most ${ctx.adminThrottle.limit} per minute per client; retry after ${retryAfter} s`,
    });
  }
  const token = bearerToken(ctx.req.headers.authorization);
  if (!token || !secretsEqual(token, configured)) {
    ctx.adminThrottle.recordFailure(client);
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Missing or wrong admin token' });
  }
  return next();
});

import { type ExportFormat, type PageCursor, traceExportInputSchema, type TraceItem } from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { resolveWindow } from '../analytics/window.js';
import { scopeRefusal } from '../auth/scopes.js';
import { claimedWorkspace } from '../auth/workspace-access.js';
import { sendError } from '../http/error-body.js';
import { formatZodIssues, rootCause } from '../http/errors.js';
import { queryParamIssues } from '../http/query-param-issues.js';
import { noteWorkspace, requestIdOf } from '../http/request-log.js';
import { loadPendingRepricing } from '../prices/pending-repricing.js';
import type { AppServices } from '../trpc/context.js';
import { InvalidInputError } from '../trpc/input-error.js';
import { inKeyTurn } from '../trpc/key-turn.js';
import { trpcErrorBody } from '../trpc/trpc-error-body.js';
import { CSV_HEADER, csvRecord } from './csv.js';
import { streamTracePage, type TraceQuery } from './trace-query.js';

export const TRACE_EXPORT_PATH = '/api/v1/traces/export';

/** Rows read per query (each through the key's gate, holding a connection only while it reads). */
const EXPORT_BATCH = 2000;
/**
 * Rows per round trip of a query's cursor, written out before the next are read: no row object
 * lives long enough to be promoted out of V8's young generation. Holding a whole batch's rows
 * until it ended promoted about half of what the export allocated, and the old generation grew
 * by ~130 MB between full collections (docs/BENCHMARKS.md, "Export memory").
 */
const CHUNK_ROWS = 100;

const FORMATS: Record<ExportFormat, { type: string; extension: string; header: string; line: (item: TraceItem) => string }> = {
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv', header: CSV_HEADER, line: csvRecord },
  jsonl: { type: 'application/x-ndjson; charset=utf-8', extension: 'jsonl', header: '', line: (item) => `${JSON.stringify(item)}\n` },
};

/** Resolves when the response can take more, or is gone. */
function writable(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The request's workspace and export parameters, or the TRPCError a procedure would have answered. */
async function exportRequest(services: AppServices, req: Request) {
  const owner = await claimedWorkspace(services.keys, req);
  // A read like the trace list: a key without the read scope (an agent's ingest key) exports nothing.
  const refusal = scopeRefusal(owner.scopes, 'read');
  if (refusal) throw new TRPCError({ code: 'FORBIDDEN', message: refusal });
  const workspaceId = owner.workspaceId;
  const [first, ...rest] = queryParamIssues(req);
  if (first) throw new InvalidInputError([first, ...rest]);
  const parsed = traceExportInputSchema.safeParse({ ...(req.query as Record<string, unknown>) });
  if (!parsed.success) {
    const [issue, ...more] = formatZodIssues(parsed.error);
    throw new InvalidInputError([issue!, ...more]);
  }
  return { workspaceId, input: parsed.data };
}

/**
 * GET /api/v1/traces/export?format=csv|jsonl (docs/API_SPEC.md §8): every trace the list's
 * filters match, newest first, as CSV or JSON Lines. A plain route, not a procedure: the answer
 * is streamed. Rows are read in keyset batches (each through the key's concurrency gate, as a
 * procedure call is, so no export holds a connection or a gate slot between batches), written
 * as they arrive, the next batch read once the socket has taken the last, and the read in
 * flight is cancelled when the client goes.
 */
export function traceExportHandler(services: AppServices): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    let request: Awaited<ReturnType<typeof exportRequest>>;
    try {
      request = await exportRequest(services, req);
    } catch (err) {
      if (!(err instanceof TRPCError)) return next(err);
      sendError(res, getHTTPStatusCodeFromError(err), trpcErrorBody(err, false, undefined));
      return;
    }
    const { workspaceId, input } = request;
    noteWorkspace(res, workspaceId);
    const { range, from, to, format, ...filter } = input;
    const q: TraceQuery = {
      database: services.database,
      workspaceId,
      window: resolveWindow({ range, from, to }),
      filter,
      repricing: await loadPendingRepricing(services.database.db, workspaceId),
    };
    const shape = FORMATS[format];
    // A client that hangs up cancels the batch being read; no further batch is read.
    const hangUp = new AbortController();
    res.on('close', () => hangUp.abort());
    const batch = (after: PageCursor | undefined, onText: (text: string) => void) =>
      inKeyTurn({ req, keyGate: services.keyGate }, () =>
        streamTracePage(q, after, EXPORT_BATCH, CHUNK_ROWS, (items) => onText(items.map(shape.line).join('')), hangUp.signal),
      );
    try {
      // Headers wait for the first batch: a failure before it is still a proper error answer.
      const first: string[] = [];
      let following = await batch(undefined, (text) => first.push(text));
      res.status(200);
      res.setHeader('Content-Type', shape.type);
      res.setHeader('Content-Disposition', `attachment; filename="traces.${shape.extension}"`);
      res.setHeader('Cache-Control', 'no-store');
      res.write(shape.header + first.join(''));
      // Each later batch is written chunk by chunk as it is read (at most a batch, ~1 MB, waits
      // in the socket's buffer), and the next is read once the socket has taken it.
      while (following && !hangUp.signal.aborted) {
        if (res.writableNeedDrain) await writable(res);
        if (hangUp.signal.aborted) break;
        following = await batch(following, (text) => void res.write(text));
      }
      res.end();
    } catch (err) {
      // The cancelled read of a client that hung up is no failure.
      if (hangUp.signal.aborted) return void res.destroy();
      if (!res.headersSent) return next(err);
      services.logger.error({ err: rootCause(err, true), request_id: requestIdOf(res) }, 'trace export failed mid-stream');
      res.destroy();
    }
  };
}

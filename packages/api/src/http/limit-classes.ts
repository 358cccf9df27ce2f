import type { Request } from 'express';
import { OTLP_ROOT_PATH } from '../otlp/otlp-paths.js';
import { trpcCallNames } from './trpc-calls.js';

/** Writes of data by key alone: traces, OTLP, scores (docs/API_SPEC.md §1). */
const INGEST_PROCEDURES = ['ingest.', 'scores.'];

/** Which per-key budget a request draws on; the admin API (token, not key) draws on none. */
export type LimitClass = 'ingest' | 'query';

/**
 * What a request mounted at /api/v1 or /trpc draws on its key's budgets: one entry per
 * procedure call. Everything that is not the admin API or ingest counts as a query, so a new
 * procedure is limited without a change here. A tRPC batch (`/trpc/a.b,c.d`) draws once per
 * call it holds (docs/API_SPEC.md §1).
 */
export function limitClasses(req: Pick<Request, 'baseUrl' | 'path' | 'method'>): LimitClass[] {
  const path = req.path;
  if (req.baseUrl === '/trpc') {
    return trpcCallNames(path)
      .filter((name) => !name.startsWith('admin.'))
      .map((name) => (INGEST_PROCEDURES.some((prefix) => name.startsWith(prefix)) ? 'ingest' : 'query'));
  }
  if (req.baseUrl === OTLP_ROOT_PATH) return ['ingest'];
  if (path.startsWith('/admin/') || path === '/admin') return [];
  // GET /traces is the trace list (docs/API_SPEC.md §8): a read, not ingest.
  return [(req.method === 'POST' && (path === '/traces' || path === '/scores')) || path.startsWith('/otlp/') ? 'ingest' : 'query'];
}

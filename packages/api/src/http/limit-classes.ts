import type { Request } from 'express';
import { OTLP_ROOT_PATH } from '../otlp/otlp-paths.js';

/** Which per-key budget a request draws on; the admin API (token, not key) draws on none. */
export type LimitClass = 'ingest' | 'query';

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // Malformed escapes: tRPC answers 404 for such a path itself.
  }
}

/**
 * Classifies a request mounted at /api/v1 or /trpc by its path. Everything that is not the
 * admin API or ingest counts as a query, so a new procedure is limited without a change here.
 * A tRPC batch (`/trpc/a.b,c.d`) draws on every class one of its procedures belongs to.
 */
export function limitClasses(req: Pick<Request, 'baseUrl' | 'path'>): LimitClass[] {
  const path = req.path;
  if (req.baseUrl === '/trpc') {
    const names = safeDecode(path.slice(1)).split(',');
    const classes = new Set<LimitClass>();
    for (const name of names) {
      if (name.startsWith('admin.')) continue;
      classes.add(name.startsWith('ingest.') ? 'ingest' : 'query');
    }
    return [...classes];
  }
  if (req.baseUrl === OTLP_ROOT_PATH) return ['ingest'];
  if (path.startsWith('/admin/') || path === '/admin') return [];
  return [path === '/traces' || path.startsWith('/otlp/') ? 'ingest' : 'query'];
}

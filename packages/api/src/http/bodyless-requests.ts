import type { NextFunction, Request, Response } from 'express';
import type { OpenAPIObject } from 'trpc-to-openapi';

const TAKES_BODY = new Set(['post', 'put', 'patch']);

/** `/admin/workspaces/{workspace_id}/keys` → a pattern for the request path under /api/v1. */
function pathPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * A POST the document declares without a body, or with an optional one (issuing a key: docs/API_SPEC.md §6) works when
 * sent as documented: no body and no Content-Type. trpc-to-openapi refuses every POST without
 * a JSON Content-Type (415), so such a request is marked JSON here; one that does send a body
 * keeps its own Content-Type and its answer.
 */
export function acceptBodylessRequests(doc: OpenAPIObject) {
  const bodyless = Object.entries(doc.paths ?? {}).flatMap(([template, item]) =>
    Object.entries(item ?? {})
      .filter(([method, operation]) => TAKES_BODY.has(method) && (operation as { requestBody?: { required?: boolean } }).requestBody?.required !== true)
      .map(([method]) => ({ method: method.toUpperCase(), pattern: pathPattern(template) })),
  );
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.headers['content-type'] === undefined && !hasBody(req) && bodyless.some((b) => b.method === req.method && b.pattern.test(req.path))) {
      req.headers['content-type'] = 'application/json';
    }
    next();
  };
}

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';

/** The CSP nonce of this response, for the inline script of the API reference page. */
export function cspNonce(res: Response): string {
  return res.locals.cspNonce as string;
}

/** Stands for the nonce while the headers are built once; base64 never contains it. */
const NONCE_MARK = '\u0000nonce\u0000';

/**
 * Security headers (helmet). The CSP allows only our own origin: the dashboard is a Vite
 * build of same-origin module scripts; Mantine and Scalar inject <style> at run time, so
 * styles may be inline; the API reference's one inline script carries a per-response nonce.
 * Helmet's headers are the same on every response but for the nonce: they are built once,
 * and each response gets them with its own nonce put in.
 */
export function securityHeaders(): RequestHandler {
  const { set, removed } = helmetHeaders();
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value.includes(NONCE_MARK) ? value.replace(NONCE_MARK, nonce) : value);
    next();
  };
}

/** The headers helmet sets (with NONCE_MARK where the nonce goes) and those it removes. */
function helmetHeaders() {
  const set = new Map<string, string>();
  const removed: string[] = [];
  const res = { locals: { cspNonce: NONCE_MARK }, setHeader: (name: string, value: string) => set.set(name, value), removeHeader: (name: string) => removed.push(name) };
  let ran = false;
  helmetMiddleware()({} as IncomingMessage, res as unknown as ServerResponse, () => (ran = true));
  // Helmet answers synchronously; a version that did not would leave responses without headers.
  if (!ran) throw new Error('helmet did not set its headers synchronously');
  return { set: [...set], removed };
}

function helmetMiddleware() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", (_req: IncomingMessage, res: ServerResponse) => `'nonce-${(res as Response).locals.cspNonce as string}'`],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'worker-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'frame-ancestors': ["'none'"],
        // Pulse is often served over plain HTTP on a private network: do not force https.
        'upgrade-insecure-requests': null,
      },
    },
    // The reference page and the dashboard load nothing cross-origin; keep isolation defaults.
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * CORS for /api and /trpc: off (no headers at all) unless CORS_ORIGINS lists origins;
 * `*` allows any origin. Keys travel in Authorization, never in cookies: no credentials.
 */
export function corsFor(config: Config): RequestHandler | undefined {
  if (config.corsOrigins.length === 0) return undefined;
  return cors({
    origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Workspace-ID', 'X-Request-ID'],
    exposedHeaders: ['X-Request-ID', 'X-Cache', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
}

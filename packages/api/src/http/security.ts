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

/**
 * Security headers (helmet). The CSP allows only our own origin: the dashboard is a Vite
 * build of same-origin module scripts; Mantine and Scalar inject <style> at run time, so
 * styles may be inline; the API reference's one inline script carries a per-response nonce.
 */
export function securityHeaders(): RequestHandler[] {
  const nonce: RequestHandler = (_req: Request, res: Response, next: NextFunction) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  };
  const headers = helmet({
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
  return [nonce, headers];
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

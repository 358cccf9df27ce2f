import { errorCodes } from './errors.js';

/**
 * Errors that mean "the database cannot be reached right now", not "this request is
 * wrong": refused or dropped connections, connect timeouts, a server shutting down or not
 * yet accepting connections. They are answered with a 503 the client may retry, never a
 * 500; postgres-js reconnects by itself on the next query, so the service recovers alone.
 */
const UNAVAILABLE_CODES = new Set([
  // Node sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // postgres-js
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // PostgreSQL SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

export const DATABASE_UNAVAILABLE = { code: 'SERVICE_UNAVAILABLE', message: 'database unavailable' } as const;

/** True when the error, or any error in its `cause` chain, is a database connection failure. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const code of errorCodes(err)) {
    // Class 08: connection exceptions (08000, 08003, 08006, ...).
    if (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

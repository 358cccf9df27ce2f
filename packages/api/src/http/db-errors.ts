import type { ErrorBody } from '@pulse/shared';
import type { Response } from 'express';
import { isRetryableConflict } from '../db/retry-transaction.js';
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

/**
 * SQLSTATEs of a statement that gave up waiting: query_canceled (statement_timeout) and
 * lock_not_available (lock_timeout). The database is up but busy; the request changed nothing.
 */
const TIMED_OUT_CODES = new Set(['57014', '55P03']);

export const DATABASE_BUSY = { code: 'SERVICE_UNAVAILABLE', message: 'database busy: the request timed out waiting for the database; retry later' } as const;

/**
 * A statement or lock wait that timed out, or a serialization failure or deadlock that
 * outlasted the retries (db/retry-transaction.ts).
 */
export function isDatabaseBusy(err: unknown): boolean {
  for (const code of errorCodes(err)) if (TIMED_OUT_CODES.has(code)) return true;
  return isRetryableConflict(err);
}

/** Seconds a client should wait before retrying a request the database could not serve. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * The 503 body for an error that is the database's state rather than the request's fault
 * (docs/API_SPEC.md §1), with `Retry-After` set on `res`; undefined for any other error.
 */
export function databaseUnavailableAnswer(err: unknown, res: Response): ErrorBody | undefined {
  const body = isDatabaseUnavailable(err) ? DATABASE_UNAVAILABLE : isDatabaseBusy(err) ? DATABASE_BUSY : undefined;
  if (body && !res.headersSent) res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
  return body;
}

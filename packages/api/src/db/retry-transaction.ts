import { errorCodes } from '../http/errors.js';

/**
 * SQLSTATEs after which the whole transaction may simply run again: serialization_failure
 * and deadlock_detected. PostgreSQL rolled the transaction back, so nothing of it remains.
 */
const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryableConflict(err: unknown): boolean {
  for (const code of errorCodes(err)) if (RETRYABLE.has(code)) return true;
  return false;
}

export interface RetryPolicy {
  /** Runs in total, the first one included. */
  attempts: number;
  /** The first pause's upper bound (ms); each further pause's bound doubles. */
  baseDelayMs: number;
}

/** Enough for a burst of colliding batches; a conflict that outlasts it answers 503 (docs/API_SPEC.md §1). */
export const CONFLICT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 5 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `transaction` (a function that runs one whole transaction and returns its result) and
 * runs it again after a serialization failure or deadlock, up to `policy.attempts` times in
 * total, with "full jitter" pauses: a random time up to an exponentially growing bound, so
 * the transactions that collided do not collide again in step. Any other error, or the last
 * conflict, is thrown.
 */
export async function retryOnConflict<T>(transaction: () => Promise<T>, policy: RetryPolicy = CONFLICT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      if (attempt >= policy.attempts || !isRetryableConflict(err)) throw err;
      await pause(Math.random() * policy.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

/**
 * Thrown inside a transaction that found the data changed under it in a way its snapshot could
 * not see: a serialization failure by code, so retryOnConflict runs the transaction again.
 */
export class SerializationConflict extends Error {
  readonly code = '40001';
}

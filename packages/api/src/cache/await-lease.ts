import type { AnswerLeases } from './cache.js';

/** First pause between two looks at a held lease; it doubles up to the cap. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

/** What a replica that missed does next: read the answer another replica stored, or compute it (holding the lease, or not). */
export type NextStep = { answer: string } | { compute: true; token?: string };

/**
 * The answer another replica is computing, or the lease to compute it. While another replica holds
 * the lease this polls (each look is one CLAIM_SCRIPT call: the answer if stored, else the lease if
 * freed) with backoff, for one lease's length and one last look past it: a holder that failed
 * releases its lease and the next look takes it over; one that died leaves it to expire within that
 * time; and past it the waiter computes without a lease rather than wait longer.
 *
 * Polling rather than a subscription: a subscription needs a connection of its own per replica, and
 * a notice sent between the look and the subscribe is lost, so it must poll on a timeout anyway to
 * survive a dead holder. At most one waiter per replica polls (the rest join it in process).
 */
export async function awaitLease(leases: AnswerLeases, key: string): Promise<NextStep> {
  const deadline = Date.now() + leases.leaseMs;
  let pause = FIRST_POLL_MS;
  let lastLook = false;
  for (;;) {
    const claim = await leases.claim(key);
    if (claim === undefined) return { compute: true };
    if (claim !== 'held') return 'answer' in claim ? claim : { compute: true, token: claim.token };
    if (lastLook) return { compute: true };
    const left = deadline - Date.now();
    // A look Redis answered just before the bound but whose reply came after it may have seen a lease
    // that expired in between; one more look, made past the bound, decides.
    lastLook = left <= 0;
    if (!lastLook) await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}

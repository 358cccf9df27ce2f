import { ipKeyGenerator } from 'express-rate-limit';

interface Window {
  failures: number;
  resetAt: number;
}

/** Above this many clients the expired windows are swept out, so a spray of addresses cannot grow the map for ever. */
const SWEEP_ABOVE = 10_000;

/**
 * Failed authentications per client address in fixed windows (docs/API_SPEC.md §6): once a
 * client has `limit` failures in its window, it is refused until the window ends, whatever
 * it sends (a right token too: otherwise the refusal would still answer guesses). Successes
 * are never counted. Checking and counting are synchronous, so concurrent guesses cannot
 * slip past the count. IPv6 clients are counted by /56 network, as one host usually owns one.
 */
export class FailureThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `client` may try again, or 0 when it may try now. */
  retryAfterSeconds(client: string): number {
    const w = this.current(ipKeyGenerator(client));
    return w && w.failures >= this.limit ? Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000)) : 0;
  }

  recordFailure(client: string): void {
    const key = ipKeyGenerator(client);
    const w = this.current(key);
    if (w) {
      w.failures++;
      return;
    }
    if (this.windows.size >= SWEEP_ABOVE) this.sweep();
    this.windows.set(key, { failures: 1, resetAt: this.now() + this.windowMs });
  }

  private current(key: string): Window | undefined {
    const w = this.windows.get(key);
    return w && w.resetAt > this.now() ? w : undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}

/**
 * A token bucket: `perMinute` requests a minute, in bursts of at most a second's worth (at
 * least one). `take()` resolves when a token is available; 0 per minute means unlimited.
 */
export class TokenBucket {
  private tokens: number;
  private readonly capacity: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly perMinute: number) {
    this.capacity = Math.max(1, Math.ceil(perMinute / 60));
    this.tokens = this.capacity;
  }

  take(): Promise<void> {
    if (this.perMinute <= 0) return Promise.resolve();
    // Takers queue in order: each waits for the previous one's token before computing its own wait.
    const turn = this.queue.then(() => this.next());
    this.queue = turn;
    return turn;
  }

  private async next(): Promise<void> {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
    if (this.tokens < 1) {
      const waitMs = Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      this.tokens = 1;
      this.last = Date.now();
    }
    this.tokens -= 1;
  }
}

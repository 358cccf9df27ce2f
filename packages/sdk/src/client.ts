/**
 * The Pulse client: `trace()` queues (microseconds, on the caller's thread, never throws); a
 * single sender posts batches of `flushAt` traces, or what waits after `flushIntervalMs`, and
 * retries a failed batch with backoff. A retried batch carries the same trace ids and
 * timestamps, so Pulse stores each trace once however often it is sent (docs/API_SPEC.md §2).
 */
import { retryDelayMs } from './backoff.js';
import { MAX_BATCH_BYTES } from './limits.js';
import { type PulseOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { BoundedQueue } from './queue.js';
import { sleep, unrefTimeout } from './timers.js';
import { type TraceFields, toWire } from './trace-fields.js';
import { type Endpoint, postBatch } from './transport.js';
import type { WireTrace } from './wire.js';

export interface PulseStats {
  /** Traces waiting to be sent. */
  queued: number;
  /** Traces Pulse stored, and those it already had (a retry of a batch it had stored). */
  accepted: number;
  duplicates: number;
  /** Traces Pulse refused one by one (a 207 answer), or with their whole batch (a 4xx). */
  rejected: number;
  /** Traces lost on this side: the queue overflowed, retries ran out, or shutdown's time did. */
  dropped: number;
  /** Ingest requests made, retries included, and the retries alone. */
  requests: number;
  retries: number;
}

const WARN_EVERY_MS = 30_000;

export class Pulse {
  private readonly options: ResolvedOptions;
  private readonly endpoint: Endpoint;
  private readonly queue: BoundedQueue<WireTrace>;
  private readonly counts = { accepted: 0, duplicates: 0, rejected: 0, lost: 0, requests: 0, retries: 0 };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | undefined;
  /** Flushes waiting: while any is, partial batches go out too. */
  private flushes = 0;
  /** Set by shutdown(): retries and requests end by then. */
  private deadline: number | undefined;
  private lastWarning = -Infinity;
  private readonly onExit = () => void this.shutdown();

  constructor(options: PulseOptions) {
    this.options = resolveOptions(options);
    this.endpoint = {
      url: `${this.options.baseUrl}/api/v1/traces`,
      apiKey: this.options.apiKey,
      timeoutMs: this.options.requestTimeoutMs,
      fetch: this.options.fetch,
    };
    this.queue = new BoundedQueue(this.options.maxQueue);
    if (this.options.flushOnExit) nodeProcess()?.once('beforeExit', this.onExit);
  }

  /** Whether prompt and completion text is sent (the wrappers skip reading it when not). */
  get capturesText(): boolean {
    return this.options.captureText;
  }

  /** Queues one trace; returns its trace_id (undefined when it could not be queued). Never throws. */
  trace(fields: TraceFields): string | undefined {
    try {
      if (this.deadline !== undefined) {
        this.counts.lost++;
        return undefined;
      }
      const trace = toWire(fields, this.options.captureText);
      this.queue.push(trace);
      if (this.queue.length >= this.options.flushAt) this.send();
      else this.timer ??= unrefTimeout(() => this.onTimer(), this.options.flushIntervalMs);
      return trace.trace_id;
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  /** Resolves once every trace queued so far is sent (or given up). Never rejects. */
  async flush(): Promise<void> {
    this.flushes++;
    try {
      while (this.queue.length > 0 || this.sending) await this.send();
    } catch (error) {
      this.report(error);
    } finally {
      this.flushes--;
    }
  }

  /** Sends what waits, within `shutdownTimeoutMs`, and takes no more traces. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.deadline === undefined) {
      this.deadline = Date.now() + this.options.shutdownTimeoutMs;
      nodeProcess()?.off('beforeExit', this.onExit);
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.flush();
  }

  stats(): PulseStats {
    const { accepted, duplicates, rejected, lost, requests, retries } = this.counts;
    return {
      queued: this.queue.length,
      accepted,
      duplicates,
      rejected,
      dropped: lost + this.queue.dropped,
      requests,
      retries,
    };
  }

  private onTimer(): void {
    this.timer = undefined;
    if (!this.sending && this.queue.length > 0) {
      this.flushes++;
      void this.send().finally(() => this.flushes--);
    }
  }

  /** Starts the sender unless it runs already (it then sends what was added too). */
  private send(): Promise<void> {
    return (this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
      if (this.queue.length > 0 && this.deadline === undefined)
        this.timer ??= unrefTimeout(() => this.onTimer(), this.options.flushIntervalMs);
    }));
  }

  private async drain(): Promise<void> {
    // Batches are serialised after the trace() that filled one has returned, not inside it.
    await undefined;
    while (this.queue.length >= this.options.flushAt || (this.flushes > 0 && this.queue.length > 0)) {
      await this.deliver(this.nextBatch());
    }
  }

  /**
   * Up to `flushAt` traces and under the body size limit; serialised once, sent as often as
   * needed. A trace JSON cannot hold (a BigInt, a cycle in metadata) is dropped; the rest go.
   */
  private nextBatch(): { body: string; size: number } {
    const parts: string[] = [];
    let bytes = 16;
    while (parts.length < this.options.flushAt && this.queue.length > 0) {
      let json: string;
      try {
        json = JSON.stringify(this.queue.peek());
      } catch (error) {
        this.queue.shift();
        this.lose(1, `a trace JSON cannot hold: ${(error as Error).message}`);
        continue;
      }
      // A UTF-16 unit is at most 3 UTF-8 bytes: a bound that needs no encoder.
      if (parts.length > 0 && bytes + json.length * 3 > MAX_BATCH_BYTES) break;
      this.queue.shift();
      parts.push(json);
      bytes += json.length * 3 + 1;
    }
    return { body: `{"traces":[${parts.join(',')}]}`, size: parts.length };
  }

  private async deliver(batch: { body: string; size: number }): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const remaining = this.deadline === undefined ? Infinity : this.deadline - Date.now();
      if (remaining <= 0) return this.lose(batch.size, 'shutdown timed out');
      this.counts.requests++;
      const outcome = await postBatch(
        { ...this.endpoint, timeoutMs: Math.min(this.endpoint.timeoutMs, remaining) },
        batch.body,
      );
      if (outcome.kind === 'sent') {
        const { accepted = 0, duplicates = 0, rejected = [] } = outcome.answer;
        this.counts.accepted += accepted;
        this.counts.duplicates += duplicates;
        this.counts.rejected += rejected.length;
        if (rejected.length > 0)
          this.report(new Error(`Pulse rejected ${rejected.length} trace(s): ${JSON.stringify(rejected.slice(0, 3))}`));
        return;
      }
      if (outcome.kind === 'refused') {
        this.counts.rejected += batch.size;
        return this.report(new Error(`Pulse refused a batch of ${batch.size} trace(s): ${outcome.reason}`));
      }
      if (attempt >= this.options.maxRetries)
        return this.lose(batch.size, `gave up after ${attempt + 1} attempts: ${outcome.reason}`);
      this.counts.retries++;
      const pause = retryDelayMs(
        attempt,
        outcome.retryAfterMs,
        this.options.initialBackoffMs,
        this.options.maxBackoffMs,
      );
      // While shutting down the pause holds the process open, within the deadline.
      await sleep(Math.min(pause, remaining), this.deadline !== undefined);
    }
  }

  private lose(size: number, why: string): void {
    this.counts.lost += size;
    this.report(new Error(`Pulse: dropped ${size} trace(s): ${why}`));
  }

  /** Problems reach `onError`; without one, a warning at most every 30 s. Never throws. */
  private report(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    try {
      if (this.options.onError) return this.options.onError(err);
      const now = Date.now();
      if (now - this.lastWarning < WARN_EVERY_MS) return;
      this.lastWarning = now;
      console.warn(`[pulse] ${err.message}`);
    } catch {
      // An onError that throws must not reach the caller either.
    }
  }
}

interface NodeProcessEvents {
  once(event: 'beforeExit', listener: () => void): unknown;
  off(event: 'beforeExit', listener: () => void): unknown;
}

/** Node's process (absent in browsers and on most edge runtimes). */
function nodeProcess(): NodeProcessEvents | undefined {
  const candidate = (globalThis as { process?: Partial<NodeProcessEvents> }).process;
  return typeof candidate?.once === 'function' && typeof candidate.off === 'function'
    ? (candidate as NodeProcessEvents)
    : undefined;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { LIVE_EVENT_GAP_MS } from '@pulse/shared';
import type { LiveBus } from './live-bus.js';

/**
 * The changes of one workspace as a subscription's stream: one event per burst of writes.
 * After an event, further writes within `gapMs` become the next single event, so a socket
 * gets at most one small message a second however fast ingest runs — a slow client never
 * has a growing backlog (back-pressure by coalescing), and a dashboard refetches once per burst.
 * A write after a quiet gap is told at once.
 */
export async function* workspaceChanges(bus: LiveBus, workspaceId: string, signal: AbortSignal | undefined, gapMs = LIVE_EVENT_GAP_MS) {
  let changed = false;
  let wake: (() => void) | undefined;
  const off = bus.subscribe(workspaceId, () => {
    changed = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      if (!changed) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (signal?.aborted) return;
      changed = false;
      yield { at: new Date().toISOString() };
      await sleep(gapMs, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    off();
    signal?.removeEventListener('abort', onAbort);
  }
}

import { DAY, HOUR } from './time.js';

export interface DemoIncidents {
  /** `model`'s errors jump to ~30 %, almost all rate_limit, for two hours. */
  errorSpike: { model: string; startMs: number; endMs: number };
  /** `model`'s latency is ×`factor` for one hour (with a few more timeouts). */
  slowHour: { model: string; startMs: number; endMs: number; factor: number };
}

const utcDayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

/** The incidents of a demo generated at `now`: 14:00–16:00 UTC nine days ago, 10:00–11:00 UTC three days ago. */
export function demoIncidents(now: Date): DemoIncidents {
  const nowMs = now.getTime();
  const spikeStart = utcDayStart(nowMs - 9 * DAY) + 14 * HOUR;
  const slowStart = utcDayStart(nowMs - 3 * DAY) + 10 * HOUR;
  return {
    errorSpike: { model: 'gpt-4o-mini', startMs: spikeStart, endMs: spikeStart + 2 * HOUR },
    slowHour: { model: 'claude-sonnet-4', startMs: slowStart, endMs: slowStart + HOUR, factor: 3 },
  };
}

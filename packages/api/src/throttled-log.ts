import type { Logger } from './logger.js';

export interface ThrottledLogOptions {
  /** At most one line per cause within this many milliseconds. */
  intervalMs?: number;
  now?: () => number;
}

/** Causes remembered at most; older ones are forgotten first when a flood of distinct causes arrives. */
const MAX_CAUSES = 1000;

/**
 * A warning that repeats (a fold failing every tick, a row quarantined after another) is
 * logged once per distinct cause per interval; the next line of that cause carries how many
 * were suppressed in between, so the log keeps every cause and a count, not thousands of copies.
 */
export function throttledWarn(logger: Logger, options: ThrottledLogOptions = {}) {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const causes = new Map<string, { loggedAt: number; suppressed: number }>();
  return (cause: string, fields: Record<string, unknown>, message: string): void => {
    const at = now();
    const seen = causes.get(cause);
    if (seen && at - seen.loggedAt < intervalMs) {
      seen.suppressed++;
      return;
    }
    causes.delete(cause);
    if (causes.size >= MAX_CAUSES) causes.delete(causes.keys().next().value!);
    causes.set(cause, { loggedAt: at, suppressed: 0 });
    logger.warn(seen?.suppressed ? { ...fields, suppressed: seen.suppressed } : fields, message);
  };
}

export type ThrottledWarn = ReturnType<typeof throttledWarn>;

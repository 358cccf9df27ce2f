import { DAY } from './time.js';

/** Relative traffic by UTC hour for office-hours work (Europe ~10h, Americas ~16h), mean 1. */
export const DIURNAL: readonly number[] = (() => {
  const bump = (h: number, centre: number, width: number) => {
    const d = ((h - centre + 36) % 24) - 12;
    return Math.exp(-(d * d) / (2 * width * width));
  };
  const raw = Array.from({ length: 24 }, (_, h) => 0.1 + 0.8 * bump(h + 0.5, 10, 2.5) + 1.0 * bump(h + 0.5, 16, 3));
  const mean = raw.reduce((a, b) => a + b, 0) / 24;
  return raw.map((v) => v / mean);
})();

/** ~30 % growth over 30 days (0.85 thirty days ago, 1.15 now), never below 0.3 for longer windows. */
export const growth = (t: number, nowMs: number) => Math.max(0.3, 1.15 + (0.3 * (t - nowMs)) / (30 * DAY));

/** Position in the code-reviewer's model migration: 0 before now − 20 days, 1 after now − 10 days. */
export const migration = (t: number, nowMs: number) => Math.min(1, Math.max(0, (t - (nowMs - 20 * DAY)) / (10 * DAY)));

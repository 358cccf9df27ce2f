import { MAX_USERS } from './data/users.js';
import type { DemoTrace } from './demo-trace.js';
import { hourPlan, hourWeight } from './hour-plan.js';
import { demoIncidents } from './incidents.js';
import { makeTrace } from './make-trace.js';
import { hash32, hex8, Prng } from './prng.js';
import { seedContext } from './seed-context.js';
import { DAY, HOUR } from './time.js';

/**
 * Realistic demo traffic in the wire format of docs/API_SPEC.md §2, pure and deterministic: the
 * same `seed` and `now` give the same traces (no clock, no Math.random). The story:
 *
 * - seven agents with their own role, volume, model mix, token profile, tools and error mix
 *   (customer-facing ones run around the clock and on weekends, internal ones follow
 *   office hours); the code reviewer migrates from claude-3-5-sonnet to claude-sonnet-4
 *   between 20 and 10 days ago;
 * - 150 seeded users (or `users`) with Zipf-like activity plus anonymous calls (mostly on the
 *   customer-facing agents);
 * - a daily rhythm (European and American working hours in UTC), weekends at ~40 % of
 *   weekdays, and ~30 % growth over 30 days;
 * - 2–6 % errors with real-looking provider messages, heavy-tailed latency per model that
 *   grows with output tokens;
 * - two incidents (see `demoIncidents`): a gpt-4o-mini rate-limit storm 9 days ago and a
 *   claude-sonnet-4 slow hour 3 days ago.
 *
 * `cost_usd` is never set: the server prices traces from its catalog.
 */

export interface DemoOptions {
  seed: number;
  now: Date;
  days: number;
  targetTraces: number;
  /** How many seeded users share the named calls (Zipf-like activity); 150 unless set. */
  users?: number;
}


function checkOptions(opts: DemoOptions, batchSize: number): void {
  if (!(opts.now instanceof Date) || Number.isNaN(opts.now.getTime())) throw new RangeError('now must be a valid Date');
  if (!Number.isFinite(opts.days) || opts.days <= 0) throw new RangeError('days must be a positive number');
  if (!Number.isFinite(opts.targetTraces) || opts.targetTraces < 0 || opts.targetTraces > 1e9) {
    throw new RangeError('targetTraces must be between 0 and 1e9');
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  if (opts.users !== undefined && !(Number.isInteger(opts.users) && opts.users >= 1 && opts.users <= MAX_USERS)) {
    throw new RangeError(`users must be an integer between 1 and ${MAX_USERS}`);
  }
}

/**
 * Historic traces in [now − days, now), oldest first, in batches of `batchSize` (the last
 * one may be shorter). Generated hour by hour; about `targetTraces` in all (Poisson noise).
 */
export function* generateDemoBatches(opts: DemoOptions, batchSize = 1000): Generator<DemoTrace[]> {
  checkOptions(opts, batchSize);
  const ctx = seedContext(opts.seed, opts.users);
  const rng = new Prng(opts.seed);
  const idSalt = hash32(ctx.seedHash ^ 0x5bd1e995);
  const end = opts.now.getTime();
  const start = end - Math.round(opts.days * DAY);
  const incidents = demoIncidents(opts.now);
  const firstHour = Math.floor(start / HOUR) * HOUR;

  // Partial first and last hours count by the part of them inside the window.
  let totalWeight = 0;
  for (let h = firstHour; h < end; h += HOUR) {
    totalWeight += (hourWeight(h, end) * (Math.min(h + HOUR, end) - Math.max(h, start))) / HOUR;
  }
  const perWeight = totalWeight > 0 ? opts.targetTraces / totalWeight : 0;

  let counter = 0;
  let batch: DemoTrace[] = [];
  for (let h = firstHour; h < end; h += HOUR) {
    const segStart = Math.max(h, start);
    const segLength = Math.min(h + HOUR, end) - segStart;
    const plan = hourPlan(h, end, incidents);
    const n = rng.poisson((plan.weight * perWeight * segLength) / HOUR);
    if (n === 0) continue;
    const offsets = new Uint32Array(n);
    for (let i = 0; i < n; i++) offsets[i] = rng.int(segLength);
    offsets.sort();
    for (let i = 0; i < n; i++) {
      // Two bijective hashes of the counter: distinct for every trace, random-looking.
      const id = `tr_${hex8(hash32((counter ^ ctx.seedHash) >>> 0))}${hex8(hash32((counter ^ idSalt) >>> 0))}`;
      counter++;
      batch.push(makeTrace(ctx, rng, id, segStart + offsets[i]!, plan, incidents));
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

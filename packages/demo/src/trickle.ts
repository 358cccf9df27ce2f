import type { DemoTrace } from './demo-trace.js';
import { hourPlan } from './hour-plan.js';
import { demoIncidents } from './incidents.js';
import { makeTrace } from './make-trace.js';
import { hash32, hex8, Prng } from './prng.js';
import { seedContext } from './seed-context.js';
import { HOUR } from './time.js';


/**
 * Live traces: each call returns `count` traces with timestamps in [now − 1 s, now),
 * oldest first, following the agent and model mix of that hour (no incidents). Pure
 * given the sequence of calls. Ids embed the call's `now` and a per-trickle counter, so
 * they are unique across calls and, the clock moving forward, across restarts.
 */
export function createTrickle(seed: number): (now: Date, count: number) => DemoTrace[] {
  const ctx = seedContext(seed);
  const rng = new Prng(hash32(ctx.seedHash ^ 0x7f4a7c15));
  let counter = 0;
  return (now, count) => {
    const nowMs = now.getTime();
    if (Number.isNaN(nowMs)) throw new RangeError('now must be a valid Date');
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
    const incidents = demoIncidents(now);
    const plan = { ...hourPlan(Math.floor((nowMs - 1) / HOUR) * HOUR, nowMs, incidents), spike: false, slow: false };
    const offsets = new Uint32Array(count);
    for (let i = 0; i < count; i++) offsets[i] = rng.int(1000);
    offsets.sort();
    const prefix = `tr_${nowMs.toString(16)}`;
    const out: DemoTrace[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${prefix}${hex8(hash32((counter++ ^ ctx.seedHash) >>> 0))}`;
      out.push(makeTrace(ctx, rng, id, nowMs - 1000 + offsets[i]!, plan, incidents));
    }
    return out;
  };
}

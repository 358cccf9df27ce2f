import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTrickle, type DemoTrace, generateDemoBatches } from './index.js';

// Pins the generator's exact output, so moving or splitting it provably changes nothing.
const now = new Date('2026-11-20T12:34:56.789Z');
const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
/** Tags came later, derived from the trace ids: every other field is pinned as it was before them. */
const untagged = (traces: DemoTrace[]) => traces.map(({ tags: _tags, ...rest }) => rest);
const tagsOf = (traces: DemoTrace[]) => traces.map((t) => t.tags);

describe('demo output for seed 42', () => {
  it('is byte-identical: the first 20 000 historic traces, with 300 users', () => {
    const traces = [...generateDemoBatches({ seed: 42, now, days: 30, targetTraces: 40_000, users: 300 }, 777)].flat().slice(0, 20_000);
    expect(traces).toHaveLength(20_000);
    expect(sha256(untagged(traces))).toBe('78316ae7129063dccc38659f6f171299456775f4e70915831bbe3f1f17612caa');
    expect(sha256(tagsOf(traces))).toBe('205578223c7d16fe3b7186ff63e4ef51a8157514729eb9cd6aad8e6f2e0d3826');
  });

  it('is byte-identical: the first 2 000 trickle traces', () => {
    const trickle = createTrickle(42);
    const traces = Array.from({ length: 100 }, (_, i) => trickle(new Date(now.getTime() + i * 1000), 20)).flat();
    expect(sha256(untagged(traces))).toBe('e6b86a8baa0dd75a5e7525bd41b952ebb57d5a3e91ba9dadb6d13d865f7f32b9');
    expect(sha256(tagsOf(traces))).toBe('44382d85a27b6a72edd4bd596e6aa9460baa512da4e76b5e5a1fd03d26989909');
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTrickle, generateDemoBatches } from './index.js';

// Pins the generator's exact output, so moving or splitting it provably changes nothing.
const now = new Date('2026-11-20T12:34:56.789Z');
const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('demo output for seed 42', () => {
  it('is byte-identical: the first 20 000 historic traces, with 300 users', () => {
    const traces = [...generateDemoBatches({ seed: 42, now, days: 30, targetTraces: 40_000, users: 300 }, 777)].flat().slice(0, 20_000);
    expect(traces).toHaveLength(20_000);
    expect(sha256(traces)).toBe('03333453d3101adf91874631e451c5daac3dce686638468fb61943ae103cae2d');
  });

  it('is byte-identical: the first 2 000 trickle traces', () => {
    const trickle = createTrickle(42);
    const traces = Array.from({ length: 100 }, (_, i) => trickle(new Date(now.getTime() + i * 1000), 20)).flat();
    expect(sha256(traces)).toBe('8aad6d3afbe928373d4fbbeba35fa080e173e5f4e2813a518118566b31c45ff0');
  });
});

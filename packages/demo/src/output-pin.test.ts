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
    expect(sha256(traces)).toBe('774915a5d298824b353f85895781d6b7e6952c03046334c778516fbaff44f9f9');
  });

  it('is byte-identical: the first 2 000 trickle traces', () => {
    const trickle = createTrickle(42);
    const traces = Array.from({ length: 100 }, (_, i) => trickle(new Date(now.getTime() + i * 1000), 20)).flat();
    expect(sha256(traces)).toBe('a41fb637a14b49cd889e177f2584dcde1cc2165ca73c368aa64ca3c16dfb9b5c');
  });
});

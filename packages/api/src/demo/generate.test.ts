import { describe, expect, it } from 'vitest';
import { traceInputSchema } from '@pulse/shared';
import { createTrickle, DEMO_AGENTS, type DemoTrace, generateDemoBatches } from './generate.js';

const now = new Date('2026-11-20T12:34:56.789Z');
const DAY = 86_400_000;
const all = (seed: number, targetTraces = 30_000) => [...generateDemoBatches({ seed, now, days: 30, targetTraces })].flat();

describe('demo generator', () => {
  const traces = all(42);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(all(42)).toEqual(traces);
    expect(all(43)[0]).not.toEqual(traces[0]);
  });

  it('makes about the requested number of valid, unique traces inside the window', () => {
    expect(Math.abs(traces.length - 30_000) / 30_000).toBeLessThan(0.1);
    expect(new Set(traces.map((t) => t.trace_id)).size).toBe(traces.length);
    for (const t of traces) {
      const ms = Date.parse(t.timestamp);
      expect(ms).toBeGreaterThanOrEqual(now.getTime() - 30 * DAY);
      expect(ms).toBeLessThan(now.getTime());
      expect(Number.isInteger(t.input_tokens) && Number.isInteger(t.output_tokens)).toBe(true);
      expect(t.status === 'error').toBe(t.error_type !== undefined);
    }
    const parsed = traces.slice(0, 2000).map((t) => traceInputSchema.safeParse({ ...t, timestamp: t.timestamp }).success);
    expect(parsed.every(Boolean)).toBe(true);
  });

  it('has the shape of real traffic: agents, models, users, errors, rhythm, incidents', () => {
    const share = (pred: (t: DemoTrace) => boolean, xs = traces) => xs.filter(pred).length / xs.length;
    expect(new Set(traces.map((t) => t.agent_id)).size).toBe(DEMO_AGENTS.length);
    expect(DEMO_AGENTS.length).toBeGreaterThanOrEqual(6);
    const models = new Set(traces.map((t) => t.model)).size;
    expect(models).toBeGreaterThanOrEqual(8);
    expect(models).toBeLessThanOrEqual(10);
    const errorShare = share((t) => t.status === 'error');
    expect(errorShare).toBeGreaterThan(0.02);
    expect(errorShare).toBeLessThan(0.06);
    expect(new Set(traces.filter((t) => t.status === 'error').map((t) => t.error_type)).size).toBeGreaterThanOrEqual(5);
    const anonymous = share((t) => t.user_id === null);
    expect(anonymous).toBeGreaterThan(0.08);
    expect(anonymous).toBeLessThan(0.16);
    expect(new Set(traces.map((t) => t.user_id)).size).toBeGreaterThan(100);
    const weekend = traces.filter((t) => [0, 6].includes(new Date(t.timestamp).getUTCDay())).length / 8;
    const weekday = traces.filter((t) => ![0, 6].includes(new Date(t.timestamp).getUTCDay())).length / 22;
    expect(weekend / weekday).toBeLessThan(0.6);
    // The error spike nine days ago: gpt-4o-mini rate limits.
    const spikeStart = Math.floor((now.getTime() - 9 * DAY) / 3_600_000) * 3_600_000 + 14 * 3_600_000;
    const inSpike = traces.filter((t) => t.model === 'gpt-4o-mini' && Date.parse(t.timestamp) >= spikeStart && Date.parse(t.timestamp) < spikeStart + 2 * 3_600_000);
    expect(share((t) => t.status === 'error', inSpike)).toBeGreaterThan(0.15);
  });

  it('the trickle gives unique ids in the second before now', () => {
    const next = createTrickle(42);
    const a = next(now, 5);
    const b = next(now, 5);
    expect(new Set([...a, ...b].map((t) => t.trace_id)).size).toBe(10);
    for (const t of a) expect(now.getTime() - Date.parse(t.timestamp)).toBeLessThanOrEqual(1000);
  });
});

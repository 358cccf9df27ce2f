import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramPercentile, LATENCY_HISTOGRAM, type LatencyHistogram, latencyBin, latencyBinValue } from './latency-histogram.js';

const { minMs, ratio } = LATENCY_HISTOGRAM;
/** The worst relative error of reading a latency as its bin's value (a rounding hair added). */
const MAX_RELATIVE_ERROR = (ratio - 1) / (ratio + 1) + 1e-12;
const MAX_LATENCY_MS = 3_600_000;

/** percentile_cont over the raw values: linear interpolation between neighbouring ranks. */
function naivePercentileCont(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

function histogramOf(values: number[]): LatencyHistogram {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(latencyBin(v), (counts.get(latencyBin(v)) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => a[0] - b[0]);
  return { bins: sorted.map(([bin]) => bin), counts: sorted.map(([, count]) => count) };
}

/** Latencies spread evenly on a log scale, as real ones are, from the first bin to an hour. */
const latency = fc.double({ min: Math.log(minMs), max: Math.log(MAX_LATENCY_MS), noNaN: true }).map(Math.exp);

describe('latency bins', () => {
  it('reads every latency back as its bin value within the relative error bound', () => {
    fc.assert(
      fc.property(latency, (ms) => {
        expect(Math.abs(latencyBinValue(latencyBin(ms)) - ms) / ms).toBeLessThanOrEqual(MAX_RELATIVE_ERROR);
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it('keeps the bound under 1 %, and puts latencies below the first edge in bin 0, read as 0', () => {
    expect(MAX_RELATIVE_ERROR).toBeLessThan(0.01);
    expect(latencyBin(0)).toBe(0);
    expect(latencyBin(minMs / 2)).toBe(0);
    expect(latencyBinValue(0)).toBe(0);
    expect(latencyBin(minMs)).toBe(1);
  });

  it('is monotone: a larger latency never lands in a smaller bin', () => {
    fc.assert(
      fc.property(latency, latency, (a, b) => {
        expect(latencyBin(Math.min(a, b))).toBeLessThanOrEqual(latencyBin(Math.max(a, b)));
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe('histogramPercentile', () => {
  it('is null for an empty histogram and the bin value for a single bin', () => {
    expect(histogramPercentile({ bins: [], counts: [] }, 0.5)).toBeNull();
    expect(histogramPercentile({ bins: [0], counts: [0] }, 0.5)).toBeNull();
    expect(histogramPercentile({ bins: [500], counts: [3] }, 0.99)).toBe(latencyBinValue(500));
  });

  it('interpolates linearly between the two neighbouring ranks', () => {
    const bins = { bins: [100, 200], counts: [1, 1] };
    expect(histogramPercentile(bins, 0)).toBe(latencyBinValue(100));
    expect(histogramPercentile(bins, 1)).toBe(latencyBinValue(200));
    expect(histogramPercentile(bins, 0.25)).toBeCloseTo(latencyBinValue(100) + 0.25 * (latencyBinValue(200) - latencyBinValue(100)), 9);
  });

  it('agrees with percentile_cont over the raw latencies within the relative error bound', () => {
    fc.assert(
      fc.property(
        fc.array(latency, { minLength: 1, maxLength: 300 }),
        fc.oneof(fc.constantFrom(0, 0.5, 0.95, 0.99, 1), fc.double({ min: 0, max: 1, noNaN: true })),
        (values, p) => {
          const exact = naivePercentileCont(values, p);
          const approx = histogramPercentile(histogramOf(values), p)!;
          expect(Math.abs(approx - exact) / exact).toBeLessThanOrEqual(MAX_RELATIVE_ERROR);
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });
});

/**
 * Log-scale latency bins shared by the rollups (SQL) and the percentile code (TS).
 * Bin 0 holds latencies below MIN_MS; bin k ≥ 1 holds [MIN_MS·R^(k-1), MIN_MS·R^k).
 * Reading a bin as the harmonic mean of its edges is off by at most (R-1)/(R+1) ≈ 0.744 %,
 * inside the 1 % docs/API_SPEC.md §3 allows for percentiles.
 */
export const LATENCY_HISTOGRAM = { minMs: 0.01, ratio: 1.015 } as const;

export function latencyBin(ms: number): number {
  if (ms < LATENCY_HISTOGRAM.minMs) return 0;
  return Math.floor(Math.log(ms / LATENCY_HISTOGRAM.minMs) / Math.log(LATENCY_HISTOGRAM.ratio)) + 1;
}

/** The value a bin stands for: the point of least worst-case relative error. */
export function latencyBinValue(bin: number): number {
  if (bin <= 0) return 0;
  const lower = LATENCY_HISTOGRAM.minMs * LATENCY_HISTOGRAM.ratio ** (bin - 1);
  const upper = lower * LATENCY_HISTOGRAM.ratio;
  return (2 * lower * upper) / (lower + upper);
}

/** A latency histogram as the rollups hold it: parallel arrays, bins ascending. */
export interface LatencyHistogram {
  bins: readonly number[];
  counts: readonly number[];
}

/**
 * percentile_cont over a histogram: the value at 0-based rank p·(n−1), interpolated
 * linearly between the two neighbouring ranks, each read as its bin's value.
 * Returns null for an empty histogram.
 */
export function histogramPercentile(h: LatencyHistogram, p: number): number | null {
  const { bins, counts } = h;
  let total = 0;
  for (const count of counts) total += count;
  if (total === 0) return null;
  const rank = p * (total - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const valueAt = (r: number): number => {
    let seen = 0;
    for (let i = 0; i < bins.length; i++) {
      seen += counts[i]!;
      if (r < seen) return latencyBinValue(bins[i]!);
    }
    return latencyBinValue(bins[bins.length - 1]!);
  };
  const a = valueAt(lo);
  return lo === hi ? a : a + (valueAt(hi) - a) * (rank - lo);
}

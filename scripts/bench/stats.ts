/** Summary figures of a list of timings (ms). Percentiles are nearest-rank: an observed value. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: r2(percentile(s, 0.5)),
    p95: r2(percentile(s, 0.95)),
    p99: r2(percentile(s, 0.99)),
    min: r2(s[0]!),
    max: r2(s[s.length - 1]!),
    mean: r2(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

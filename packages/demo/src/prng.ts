/**
 * A small seeded PRNG (mulberry32) and the distributions the demo generator needs.
 * Pure: the same seed always gives the same sequence.
 */
export class Prng {
  private state: number;
  /** Box–Muller yields two normals; the second is kept for the next call. */
  private spare = Number.NaN;

  constructor(seed: number) {
    this.state = hash32(Math.trunc(seed) >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal via Box–Muller. */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    const u = 1 - this.next(); // (0, 1]: log is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Log-normal with the given median and log-space standard deviation. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Index picked by weight; `cumulative` is the running sum of the weights (see `cumulative`). */
  weightedIndex(cumulative: ArrayLike<number>): number {
    const x = this.next() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Item picked by weight; `cumulative` is the running sum of the weights. */
  weighted<T>(items: readonly T[], cumulative: ArrayLike<number>): T {
    return items[this.weightedIndex(cumulative)]!;
  }

  /** Zipf-distributed rank in [0, n); `cumulative` comes from `zipfCumulative(n, s)`. */
  zipf(cumulative: ArrayLike<number>): number {
    return this.weightedIndex(cumulative);
  }

  /** Poisson-distributed count (normal approximation for large means). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }
}

export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

/** Running sums of Zipf weights 1/rank^s for ranks 1..n. */
export function zipfCumulative(n: number, s: number): number[] {
  return cumulative(Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s));
}

/** A bijective 32-bit integer mixer (lowbias32): distinct inputs give distinct outputs. */
export function hash32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Eight lower-case hex digits. */
export function hex8(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

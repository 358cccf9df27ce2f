/** Money is integer nano-dollars (1e-9 USD) wherever it is summed: sums never drift. */

/** Dollars to nano-dollars, rounded half away from zero, through the decimal text. */
export function usdToNanos(usd: number): bigint {
  const [intPart, frac = ''] = Math.abs(usd).toFixed(10).split('.');
  const nanos = BigInt(intPart!) * 1_000_000_000n + BigInt(frac.slice(0, 9)) + (Number(frac[9] ?? '0') >= 5 ? 1n : 0n);
  return usd < 0 ? -nanos : nanos;
}

/**
 * Nano-dollars to dollars: the exact decimal text parsed once, so the answer is the double
 * nearest the exact sum, for any size (adding whole dollars and the fraction as two doubles
 * would round twice). That double is within half a micro-dollar of the exact figure up to
 * 2^33 dollars (8.6e9) and within a micro-dollar up to 2^34 (1.7e10): docs/API_SPEC.md §2.
 */
export function usdFromNanos(nanos: bigint): number {
  const magnitude = nanos < 0n ? -nanos : nanos;
  const text = `${magnitude / 1_000_000_000n}.${String(magnitude % 1_000_000_000n).padStart(9, '0')}`;
  return nanos < 0n ? -Number(text) : Number(text);
}

/** Money is integer nano-dollars (1e-9 USD) wherever it is summed: sums never drift. */

/** Dollars to nano-dollars, rounded half away from zero, through the decimal text. */
export function usdToNanos(usd: number): bigint {
  const [intPart, frac = ''] = Math.abs(usd).toFixed(10).split('.');
  const nanos = BigInt(intPart!) * 1_000_000_000n + BigInt(frac.slice(0, 9)) + (Number(frac[9] ?? '0') >= 5 ? 1n : 0n);
  return usd < 0 ? -nanos : nanos;
}

/** Nano-dollars to dollars: whole dollars and the fraction converted apart, so no digit is lost below 2^53 dollars. */
export function usdFromNanos(nanos: bigint): number {
  return Number(nanos / 1_000_000_000n) + Number(nanos % 1_000_000_000n) / 1e9;
}

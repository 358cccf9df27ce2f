import { exactDecimal } from '@pulse/shared';

/**
 * What successful tasks are worth, exactly (docs/API_SPEC.md §14): a setting's value per
 * success is an exact fraction of nano-dollars (the decimals as stored, minutes × rate / 60
 * included), a figure sums successes × that fraction over its agents and rounds half up to a
 * whole nano-dollar once, at the end.
 */
export interface NanoFraction {
  num: bigint;
  den: bigint;
}

/** The stored decimals of a setting (numeric text): one form or the other. */
export interface ValueDecimals {
  valuePerSuccessUsd: string | null;
  minutesSaved: string | null;
  hourlyRateUsd: string | null;
}

const NANOS_PER_USD = 1_000_000_000n;

/** Nano-dollars per successful task. */
export function perSuccess(v: ValueDecimals): NanoFraction {
  if (v.valuePerSuccessUsd !== null) {
    const d = exactDecimal(v.valuePerSuccessUsd);
    return { num: d.digits * NANOS_PER_USD, den: 10n ** BigInt(d.scale) };
  }
  const minutes = exactDecimal(v.minutesSaved ?? '0');
  const rate = exactDecimal(v.hourlyRateUsd ?? '0');
  return { num: minutes.digits * rate.digits * NANOS_PER_USD, den: 10n ** BigInt(minutes.scale + rate.scale) * 60n };
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** Σ successes × value per success, rounded half up to a whole nano-dollar once. */
export function valueNanos(parts: Iterable<{ successes: number; per: NanoFraction }>): bigint {
  let num = 0n;
  let den = 1n;
  for (const { successes, per } of parts) {
    if (successes === 0) continue;
    num = num * per.den + BigInt(successes) * per.num * den;
    den *= per.den;
    const common = gcd(num, den);
    num /= common;
    den /= common;
  }
  return (num * 2n + den) / (2n * den);
}

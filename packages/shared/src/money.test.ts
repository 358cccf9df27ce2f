import { describe, expect, it } from 'vitest';
import { usdFromNanos, usdToNanos } from './money.js';

describe('money', () => {
  it('converts dollars and nano-dollars without drift', () => {
    expect(usdToNanos(0.1)).toBe(100_000_000n);
    expect(usdToNanos(1e-9)).toBe(1n);
    expect(usdToNanos(123.456789012)).toBe(123_456_789_012n);
    expect(usdToNanos(0)).toBe(0n);
    expect(usdToNanos(-0.5)).toBe(-500_000_000n);
    expect(usdFromNanos(123_456_789_012n)).toBe(123.456789012);
    expect(usdFromNanos(usdToNanos(40.2))).toBe(40.2);
    expect(usdFromNanos(-1_500_000_001n)).toBe(-1.500000001);
  });

  it('gives the double nearest the exact sum, for sums far beyond 2^53 nano-dollars', () => {
    // 10,000 traces of the largest cost_usd, and one nano-dollar less: exact as decimal text.
    expect(usdFromNanos(10_000n * 1_000_000n * 1_000_000_000n)).toBe(1e10);
    expect(usdFromNanos(9_999_999_999_999_999_999n)).toBe(Number('9999999999.999999999'));
    expect(usdFromNanos(8_589_934_591_999_999n)).toBe(Number('8589934.591999999'));
    // Whole dollars plus the fraction as two doubles rounds twice: 1421.3009368150001.
    expect(usdFromNanos(1_421_300_936_815n)).toBe(1421.300936815);
    expect(usdFromNanos(18_722_960_016n)).toBe(18.722960016);
  });
});

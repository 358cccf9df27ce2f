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
  });
});

import { z } from 'zod';

/**
 * Column decoders for query rows. postgres-js and PGlite return different JS types for the
 * same SQL type (bigint and numeric as text or number, timestamptz as text or Date, arrays
 * as arrays or their literal text), so every row shape is a zod object of these decoders:
 * the rest of the code sees one type whatever the driver.
 */

/** A count or float (sums cast to float8, bigint counts): a number; null (an empty sum) is 0. */
export const num = z.union([z.number(), z.string(), z.bigint(), z.null()]).transform((v) => (v === null ? 0 : Number(v)));

/** A nano-dollar sum (numeric text: exact beyond 2^53); null (an empty sum) is 0. */
export const nanos = z.union([z.string(), z.number(), z.bigint(), z.null()]).transform((v): bigint => {
  if (v === null) return 0n;
  const text = String(v);
  const point = text.indexOf('.');
  return BigInt(point < 0 ? text : text.slice(0, point));
});

/** A timestamptz as epoch milliseconds. */
export const instant = z.union([z.date(), z.string()]).transform((v) => (v instanceof Date ? v.getTime() : Date.parse(v)));

/** A text[]: an array from both drivers, but the literal form ('{a,b}') is accepted too. */
export const textArray = z.union([z.array(z.string()), z.string(), z.null()]).transform((v): string[] => {
  if (v === null) return [];
  if (Array.isArray(v)) return v;
  return v.replace(/^\{|\}$/g, '').split(',').filter(Boolean);
});

/** Digits an integer may have and still be summed exactly digit by digit (< 2^53). */
const EXACT_DIGITS = 15;

/**
 * The numbers of an int[] or float8[] literal ('{1,2,3}'), in one pass over its characters: a
 * whole number is summed from its digits, any other element (a fraction, an exponent, a sign,
 * a NULL) read by Number(). The latency reads send their histograms as this text
 * (analytics/performance.ts): a 7-day hourly series is ~310,000 characters (50,000 numbers).
 * Its rows decoded in 10 ms when the text was split as a text[] and each element converted, a
 * bare split and map(Number) takes 4 ms, and this loop under 2 ms, row checks included.
 */
export function numbersOfLiteral(text: string): number[] {
  const out: number[] = [];
  let start = 1;
  let value = 0;
  let whole = true;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 /* , */ || c === 125 /* } */) {
      if (i > start) out.push(whole && i - start <= EXACT_DIGITS ? value : Number(text.slice(start, i)));
      start = i + 1;
      value = 0;
      whole = true;
    } else if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else whole = false;
  }
  return out;
}

/**
 * An int[] or float8[]: arrays of numbers from both drivers, or the literal text. The elements
 * are checked in one loop, not by a schema per element: a 30-day latency answer decodes ~36,000
 * of them (docs/BENCHMARKS.md, "Distinct users from each user's latest call").
 */
export const numberArray = z.union([z.array(z.unknown()), z.string(), z.null()]).transform((v, ctx): number[] => {
  const items: unknown[] = v === null ? [] : typeof v === 'string' ? numbersOfLiteral(v) : v;
  const out = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const n = typeof item === 'number' ? item : typeof item === 'string' ? Number(item) : NaN;
    if (Number.isNaN(n)) {
      ctx.addIssue({ code: 'custom', message: 'expected a number or numeric text', path: [i] });
      return z.NEVER;
    }
    out[i] = n;
  }
  return out;
});

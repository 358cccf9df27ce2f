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

/**
 * An int[] or float8[]: arrays of numbers from both drivers; the literal form is parsed as text[].
 * The elements are checked in one loop, not by a schema per element: a 30-day latency answer
 * decodes ~36,000 of them (docs/BENCHMARKS.md, "Distinct users from each user's latest call").
 */
export const numberArray = z.union([z.array(z.unknown()), z.string(), z.null()]).transform((v, ctx): number[] => {
  const items: unknown[] = Array.isArray(v) ? v : textArray.parse(v);
  const out = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === 'number') out[i] = item;
    else if (typeof item === 'string') out[i] = Number(item);
    else {
      ctx.addIssue({ code: 'custom', message: 'expected a number or numeric text', path: [i] });
      return z.NEVER;
    }
  }
  return out;
});

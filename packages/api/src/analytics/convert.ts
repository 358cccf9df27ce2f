/** Driver-neutral conversions of query results (postgres-js and PGlite differ in types). */

export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : Number(v);
}

/** Nano-dollar sums arrive as numeric text; dollars are exact to the micro-dollar. */
export function nanosOf(v: unknown): bigint {
  if (v === null || v === undefined) return 0n;
  const text = String(v);
  return BigInt(text.includes('.') ? text.slice(0, text.indexOf('.')) : text);
}

export function usdFromNanos(v: unknown): number {
  const nanos = nanosOf(v);
  return Number(nanos / 1_000_000_000n) + Number(nanos % 1_000_000_000n) / 1e9;
}

export function isoOf(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return new Date(String(v)).toISOString();
}

export function msOf(v: unknown): number {
  return v instanceof Date ? v.getTime() : Date.parse(String(v));
}

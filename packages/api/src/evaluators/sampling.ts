import { createHash } from 'node:crypto';
import { schema } from '@pulse/db';
import { type SQL, sql } from 'drizzle-orm';

/**
 * Deterministic sampling (docs/API_SPEC.md §13): a call's draw for an evaluator is the first 32
 * bits of md5("<evaluator name>:<trace_id>") as a fraction of 2^32, and the call is sampled when
 * its draw is below the rate. The same call and evaluator always draw the same, on any replica;
 * the database computes it (so pending counts need no round trip), and this is the same
 * function for whoever wants to check which calls a rate selects.
 */
export function sampleDraw(evaluatorName: string, traceId: string): number {
  const digest = createHash('md5').update(`${evaluatorName}:${traceId}`, 'utf8').digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** The same draw in SQL, compared with the rate. */
export function sampledSql(evaluatorName: string, rate: number): SQL {
  if (rate >= 1) return sql`true`;
  const draw = sql`('x' || substr(md5(${evaluatorName} || ':' || ${schema.traces.traceId}), 1, 8))::bit(32)::bigint::float8 / 4294967296`;
  return sql`(${draw}) < ${rate}::float8`;
}

/**
 * `npx tsx scripts/explain-repricing.ts <database url> <workspace id> <model> <day>`: the plan of
 * the statement the re-pricer runs for that day's calls (packages/api/src/prices/reprice.ts), by
 * EXPLAIN (ANALYZE, BUFFERS), for an override of that model applying to every call, in a transaction rolled back
 * afterwards: the stored calls and the rollups are left as they were. For the database that
 * `npm run bench:repricing -- --db postgres --keep` leaves in place (docs/BENCHMARKS.md).
 * The database is opened without migrating it, so a kept database is profiled as it is.
 */
import { schema } from '@pulse/db';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { prepareRepricing, repriceModel } from '../packages/api/src/prices/reprice.js';

const [url, workspaceId, model, day] = process.argv.slice(2);
if (!url || !workspaceId || !model || !day) throw new Error('usage: explain-repricing.ts <database url> <workspace id> <model> <day, e.g. 2026-11-29>');
const client = postgres(url, { max: 1, onnotice: () => {} });
const prices = { input: '1.2345678', output: '4.5', cacheRead: '0.12', cacheWrite: '1.2345678' };

class RolledBack extends Error {}
try {
  await drizzle(client, { schema }).transaction(async (tx) => {
    await prepareRepricing(tx);
    const explained = {
      ...tx,
      execute: async (statement: SQL) => {
        const plan = (await tx.execute(sql`explain (analyze, buffers, settings) ${statement}`)) as unknown as Array<Record<string, string>>;
        for (const line of plan) process.stdout.write(`${Object.values(line)[0]}\n`);
        return [];
      },
    };
    await repriceModel(explained as never, workspaceId, model, { model, prices, effectiveFrom: null }, { from: Date.parse(day), to: Date.parse(day) + 86_400_000 });
    throw new RolledBack();
  });
} catch (err) {
  if (!(err instanceof RolledBack)) throw err;
} finally {
  await client.end();
}

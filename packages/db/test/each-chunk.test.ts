import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/client.js';
import { openTestDatabase } from '../src/testing.js';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe(`eachChunk on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('hands every row over once, in order, in chunks of at most the size asked for', async () => {
    const chunks: number[][] = [];
    await database.eachChunk<{ n: number }>(sql`select n from generate_series(1, 1234) as n order by n`, 100, (rows) => chunks.push(rows.map((r) => r.n)));
    expect(chunks.flat()).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(100);
    expect(chunks.length).toBe(13);
    // The same as rows() answers, and the connection is fit for the next query.
    expect(await database.rows(sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  it('hands nothing over for no rows', async () => {
    const chunks: unknown[][] = [];
    await database.eachChunk(sql`select 1 as one where false`, 10, (rows) => chunks.push(rows));
    expect(chunks.flat()).toEqual([]);
  });
});

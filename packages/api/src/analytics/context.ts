import type { Database } from '@pulse/db';
import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Scope } from './sources.js';

/** What every analytics query needs: the database and the workspace plus filters. */
export interface QueryContext {
  database: Database;
  scope: Scope;
  now: number;
}

/** Runs a query and decodes every row with its row shape (decode.ts): typed, whatever the driver. */
export async function rows<Row extends z.ZodType>(q: Pick<QueryContext, 'database'>, query: SQL, row: Row): Promise<z.output<Row>[]> {
  return z.array(row).parse(await q.database.rows(query));
}

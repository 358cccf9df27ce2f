import type { Database } from '@pulse/db';
import type { SQL } from 'drizzle-orm';
import type { Scope } from './sources.js';

/** What every analytics query needs: the database and the workspace plus filters. */
export interface QueryContext {
  database: Database;
  scope: Scope;
  now: number;
}

export function rows<T extends Record<string, unknown>>(q: QueryContext, query: SQL): Promise<T[]> {
  return q.database.rows<T>(query);
}

import { postgresRunner } from './baseline.js';
import { log } from './progress.js';

/**
 * After a bulk load PostgreSQL's autovacuum would soon vacuum and analyze the new tables
 * (statistics for the planner, visibility maps for index-only scans); a case does it at once so
 * what it measures is the state a running server reaches, not the minutes of maintenance that
 * follow a load (on a server with autovacuum off, Pulse's stand-in does that work, vacuum-stand-in.ts).
 * Returns the seconds it took.
 */
export async function vacuumAfterLoad(databaseUrl: string, label: string): Promise<number> {
  const started = performance.now();
  const runner = postgresRunner(databaseUrl);
  try {
    await runner.query('vacuum analyze', []);
  } finally {
    await runner.close();
  }
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  log(label, `vacuum analyze after the load: ${seconds} s`);
  return seconds;
}

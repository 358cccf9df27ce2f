/**
 * `npm run verify`: recomputes every rollup from raw traces and scores and compares. Reads
 * DATABASE_URL / DATA_DIR like the server. Exit 0 when they reconcile, 1 on drift, 2 when
 * the check itself could not run. On the embedded database (DATA_DIR) stop the server
 * first: one PGlite directory must never be open in two processes.
 */
import { openDatabase } from '@pulse/db';
import { loadConfig } from '@pulse/api';
import { formatDriftReport, verifyRollups } from './rollups.js';

const config = loadConfig(process.env);
const out = (text: string) => process.stdout.write(`${text}\n`);

try {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const report = await verifyRollups(database);
    out(formatDriftReport(report));
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
} catch (err) {
  process.stderr.write(`verify failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}

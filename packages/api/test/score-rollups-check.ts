import type { Database } from '@pulse/db';
import { compareRollup, SCORE_ROLLUP_SPECS } from '@pulse/verify';
import { expect } from 'vitest';

/**
 * The hourly and daily score rollups against their recomputation from the workspace's raw
 * `scores` (the one `npm run verify` runs): every group's count, exact sum and latest write,
 * and no group that has no scores.
 */
export async function expectScoreRollupsExact(database: Database, workspaceId: string): Promise<void> {
  for (const spec of SCORE_ROLLUP_SPECS) {
    const drift = await compareRollup(database.db, spec, workspaceId);
    expect(drift, `${spec.table}: ${JSON.stringify(drift.examples)}`).toMatchObject({ missing: 0, extra: 0, differing: 0 });
  }
}

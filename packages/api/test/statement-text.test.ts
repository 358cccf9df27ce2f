import { fastQueryText } from '@pulse/db';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { errorRows, histRows, rawLatencyRows, type Scope, scoreRows, statsRows, tagRows, userRows, decidedScoreRows, flaggedCallRows, safetyStatsRows } from '../src/analytics/sources.js';
import { distinctUserCount, topUserRows } from '../src/analytics/user-bounds.js';
import { planWindow, type TimeWindow } from '../src/analytics/window.js';
import { rollupCtes } from '../src/rollups/rollup-sql.js';

/**
 * The database client sends the text queryText builds (@pulse/db, query-text.ts); these are the
 * statements the analytics and the fold build, each built by its own walk (no chunk left to
 * drizzle) and compared with what drizzle builds for it.
 */
const drizzleText = (q: SQL) => {
  const { sql, params } = new PgDialect().sqlToQuery(q);
  return { sql, params };
};

const HOUR = 3_600_000;
const now = Date.parse('2026-12-06T03:41:17.250Z');
const windows: Record<string, TimeWindow> = {
  '24h': { from: now - 24 * HOUR, to: now },
  '30d': { from: now - 720 * HOUR, to: now },
  'odd edges': { from: now - 12.3 * 24 * HOUR, to: now - 2.2 * 24 * HOUR },
};
const base: Scope = { workspaceId: '0193a5b0-0000-7000-8000-000000000001', timescale: false, repricing: [] };
const scopes: Record<string, Scope> = {
  all: base,
  tag: { ...base, tag: 'checkout' },
  'agent and model': { ...base, agentId: 'planner', model: 'gpt-4o' },
  'being re-priced': { ...base, repricing: [{ model: 'gpt-4o', override: undefined, rewrittenFrom: now - 3 * HOUR }] },
};

const statements = (scope: Scope, w: TimeWindow): Record<string, SQL> => {
  const plan = planWindow(w);
  const counted = distinctUserCount(scope, w, plan);
  return {
    statsRows: statsRows(scope, plan, null),
    'statsRows by hour': statsRows(scope, planWindow(w, 'hour'), 'hour'),
    safetyStatsRows: safetyStatsRows(scope, plan, 'day'),
    userRows: userRows(scope, plan),
    histRows: histRows(scope, plan, null),
    errorRows: errorRows(scope, plan),
    tagRows: tagRows(scope, plan),
    rawLatencyRows: rawLatencyRows(scope, w, 'hour'),
    flaggedCallRows: flaggedCallRows(scope, w),
    scoreRows: scoreRows(scope, plan, 'day', 'helpfulness'),
    decidedScoreRows: decidedScoreRows(scope, plan, null, ['helpfulness', 'resolved']),
    topUserRows: topUserRows(scope, w, plan, 10),
    distinctUserCount: counted.count,
  };
};

describe('statement text: the fast builder and drizzle agree', () => {
  for (const [scopeName, scope] of Object.entries(scopes)) {
    for (const [windowName, w] of Object.entries(windows)) {
      it(`${scopeName}, ${windowName}`, () => {
        for (const [name, q] of Object.entries(statements(scope, w))) expect({ name, ...fastQueryText(q) }).toEqual({ name, ...drizzleText(q) });
      });
    }
  }

  it('the fold', () => {
    expect(fastQueryText(rollupCtes())).toEqual(drizzleText(rollupCtes()));
  });
});

import { Prng } from '@pulse/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundsLeave, MAX_PROBED_USERS } from '../src/analytics/user-bounds.js';
import { planWindow, previousWindow, splitWeeks, type TimeWindow } from '../src/analytics/window.js';
import { foldAll } from '../src/rollups/fold.js';
import { makeTrace, sendTraces, startTestServer, type TestServer, type TestWorkspace, workspaceCall } from './harness.js';
import { reference, usd } from './reference.js';

/**
 * Top users and distinct users of a window holding whole weeks are answered from the bounds its
 * weekly rows set on each user's calls (docs/API_SPEC.md §4), unfiltered or by tag: exact against
 * plain SQL over raw calls whatever the window's hours, the limit, ties, and calls queued or folded. A workspace
 * whose users are alike in activity has too many candidates for top users, and one with many
 * users active only in the window's first days too many users in doubt: both read every user's
 * rows, exactly too.
 */

const H = 3_600_000;
const DAY = 24 * H;
const BYPASS = 'top-users-bounds-bypass';
const now = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

let srv: TestServer;
let skewed: TestWorkspace;
let alike: TestWorkspace;

/**
 * `counts[i]` calls of user i, at seeded instants over the 40 days before now (some on hour and
 * day boundaries); every other call tagged 'even', some of the rest 'odd' and 'fifth'.
 */
function callsOf(prefix: string, counts: number[], seed: number) {
  const rng = new Prng(seed);
  return counts.flatMap((n, i) =>
    Array.from({ length: n }, (_, j) => {
      const r = rng.next();
      const at = now - 60_000 - Math.floor(rng.next() * 40 * DAY);
      const ts = r < 0.1 ? Math.floor(at / H) * H : r < 0.15 ? Math.floor(at / DAY) * DAY - 1 : at;
      return makeTrace({
        trace_id: `${prefix}-${i}-${j}`,
        timestamp: iso(ts),
        user_id: `${prefix}-user-${String(i).padStart(3, '0')}`,
        model: j % 3 === 0 ? 'gpt-4o' : 'claude-3-5-haiku',
        input_tokens: 100 + ((i * 7 + j) % 50),
        ...(j % 2 === 0 ? { tags: ['even'] } : j % 5 === 0 ? { tags: ['odd', 'fifth'] } : {}),
      });
    }),
  );
}

async function send(ws: TestWorkspace, traces: Array<Record<string, unknown>>) {
  for (let i = 0; i < traces.length; i += 500) expect((await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 500) })).status).toBe(200);
}

async function answer(ws: TestWorkspace, path: string, w: TimeWindow, params: Record<string, string> = {}) {
  const query = new URLSearchParams({ range: 'custom', from: iso(w.from), to: iso(w.to), ...params });
  const res = await workspaceCall(srv.url, ws, 'GET', `${path}?${query}`, undefined, { 'x-pulse-cache-bypass': BYPASS });
  expect(res.status).toBe(200);
  return res.body;
}

const tagParam = (tag?: string): Record<string, string> => (tag === undefined ? {} : { tag });
const refWindow = (w: TimeWindow, tag?: string) => ({ from: iso(w.from), to: iso(w.to), ...tagParam(tag) });

async function expectExact(ws: TestWorkspace, w: TimeWindow, limit: number, tag?: string) {
  const expected = (await reference(srv.database, ws.workspace_id).users(refWindow(w, tag), limit)).map((r) => ({
    user_id: r.user_id,
    calls: r.calls,
    cost_usd: usd(r.cost),
    total_tokens: r.tokens,
    last_seen: r.last_seen,
  }));
  const answered = await answer(ws, '/usage/top-users', w, { limit: String(limit), ...tagParam(tag) });
  expect(answered.data, `${iso(w.from)}..${iso(w.to)} limit ${limit} tag ${tag}`).toEqual(expected);
}

async function expectUsersExact(ws: TestWorkspace, w: TimeWindow, tag?: string) {
  const ref = reference(srv.database, ws.workspace_id);
  const [current, previous] = await Promise.all([ref.overview(refWindow(w, tag)), ref.overview(refWindow(previousWindow(w), tag))]);
  const o = await answer(ws, '/usage/overview', w, tagParam(tag));
  expect([o.unique_users, o.previous.unique_users], `${iso(w.from)}..${iso(w.to)} tag ${tag}`).toEqual([current!.users, previous!.users]);
}

/** With the window's bounds: how many users can rank among its top `limit`, and how many are in doubt. */
async function leftToRead(ws: TestWorkspace, w: TimeWindow, limit: number, tag?: string) {
  const scope = { workspaceId: ws.workspace_id, timescale: srv.database.timescale, repricing: [], tag };
  const query = boundsLeave(scope, w, planWindow(w), limit);
  if (query === undefined) throw new Error('the window holds no whole week');
  const [r] = await srv.database.rows<{ candidates: number; unsure: number }>(query);
  return r!;
}

/** `n` users with one call each between the first window's start and its first whole week. */
function firstDaysUsers(prefix: string, n: number) {
  const w = WINDOWS[0]!;
  const firstWeek = splitWeeks(planWindow(w).daily).weekly[0]!.from;
  return Array.from({ length: n }, (_, i) =>
    makeTrace({ trace_id: `${prefix}-${i}`, timestamp: iso(w.from + Math.floor(((firstWeek - w.from) * (i + 1)) / (n + 2))), user_id: `${prefix}-user-${i}` }),
  );
}

/** 30-day windows starting at several hours and minutes, ending now or inside the data. */
const WINDOWS: TimeWindow[] = [
  { from: now - 30 * DAY, to: now },
  { from: now - 30 * DAY - 17 * 60_000, to: now - 3 * H },
  { from: Math.floor((now - 31 * DAY) / DAY) * DAY + 2 * H + 1, to: Math.floor(now / H) * H },
  { from: Math.floor((now - 35 * DAY) / DAY) * DAY + 22 * H, to: now - 2 * DAY - 5 * 60_000 },
  { from: now - 38 * DAY, to: now - 9 * DAY + 7 * H },
];
const LIMITS = [1, 3, 10, 25, 100];

async function expectEveryWindowExact(ws: TestWorkspace) {
  for (const tag of [undefined, 'even', 'fifth']) {
    for (const w of WINDOWS) {
      await expectUsersExact(ws, w, tag);
      for (const limit of LIMITS) await expectExact(ws, w, limit, tag);
    }
  }
}

beforeAll(async () => {
  // The test folds itself: the calls are read queued, folded, and half of each.
  srv = await startTestServer({ foldIntervalMs: 3_600_000, cacheBypassToken: BYPASS });
  skewed = await srv.createWorkspace('top-users-skewed');
  alike = await srv.createWorkspace('top-users-alike');
  // Zipf-like activity, as in most workspaces: user i makes 600 / (i + 1) calls (ties among the least active).
  await send(skewed, callsOf('z', Array.from({ length: 60 }, (_, i) => Math.floor(600 / (i + 1))), 11));
  // Users alike: each calls every other day at an hour of its own, so every week leaves them level.
  await send(
    alike,
    Array.from({ length: MAX_PROBED_USERS + 20 }, (_, i) =>
      Array.from({ length: 20 }, (_, d) =>
        makeTrace({ trace_id: `a-${i}-${d}`, timestamp: iso(Math.floor(now / DAY) * DAY - (2 * d + 1) * DAY + (i % 24) * H + i * 1000), user_id: `a-user-${i}` }),
      ),
    ).flat(),
  );
  // Users with one call each in the first days of the first window, before its first whole week:
  // a few in the skewed workspace (probed), too many to probe in the other.
  await send(skewed, firstDaysUsers('ze', 5));
  await send(alike, firstDaysUsers('e', MAX_PROBED_USERS + 20));
}, 120_000);
afterAll(async () => {
  await srv?.close();
});

describe('top users ranked from the candidates of the weekly rows', () => {
  it('is exact with every call queued, folded, and with later calls queued besides', async () => {
    await expectEveryWindowExact(skewed);
    await foldAll(srv.database);
    await expectEveryWindowExact(skewed);
    // Later calls of a user who was far from the top, queued: its bounds count them.
    await send(skewed, callsOf('z', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 250], 13).map((t, i) => ({ ...t, trace_id: `late-${i}` })));
    await expectEveryWindowExact(skewed);
  }, 180_000);

  it('leaves few users to probe when activity is skewed, and reads every user when too many are left', async () => {
    await foldAll(srv.database);
    const w = WINDOWS[0]!;
    // Of 65 users: a tag on half the calls halves the threshold, so more of them can rank.
    for (const [tag, most] of [[undefined, 30], ['even', 45]] as const) {
      const skewedLeaves = await leftToRead(skewed, w, 10, tag);
      expect(skewedLeaves.candidates).toBeLessThan(most);
      expect(skewedLeaves.unsure).toBeLessThanOrEqual(MAX_PROBED_USERS);
    }
    const alikeLeaves = await leftToRead(alike, w, 10);
    expect(alikeLeaves.candidates).toBeGreaterThan(MAX_PROBED_USERS);
    expect(alikeLeaves.unsure).toBeGreaterThan(MAX_PROBED_USERS);
    await expectUsersExact(alike, w);
    for (const limit of LIMITS) await expectExact(alike, w, limit);
  }, 120_000);
});

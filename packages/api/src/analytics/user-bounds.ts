import { arrayParam, schema, weekStart } from '@pulse/db';
import { type SQL, sql } from 'drizzle-orm';
import { dimOf, weeklyDimOf } from '../rollups/dims.js';
import { filters, holdsRowFrom, type Scope, userRows, within } from './sources.js';
import { iso, segmentStarts, splitWeeks, type TimeWindow, WEEK_MS, type WindowPlan } from './window.js';

const { userStatsWeekly, userLastCalls, rollupPending, traces } = schema;

/**
 * At most this many users are read user by user (userRows' probes, about 25 per user over 30
 * days); with more, every user's rows of the window are read, as without bounds.
 */
export const MAX_PROBED_USERS = 256;

/**
 * Bounds are read only when the window's last whole week has at most this many users: with
 * users that each make a call or two (docs/BENCHMARKS.md, "High cardinality"), nearly all of
 * them remain candidates, and reading every user's weekly rows first would only add to the
 * answer. Nor when it has none (a workspace younger than the window, as the previous window of
 * its first overviews, or one paused): no user leads, and the users of the edge weeks are all in
 * doubt.
 */
export const MAX_BOUNDED_WEEKLY_USERS = 20_000;

/**
 * What the weekly per-user level tells of an unfiltered window holding whole weeks (docs/API_SPEC.md
 * §4, top users): a user's rows of the `countedWeeks` hold only calls of the window (the whole
 * weeks inside it, and the week it ends in when nothing is timestamped after it in that week: a
 * window ending now; `countedHere` says which of those a row's bucket is), its rows of the `weeks`
 * buckets from `from` on every folded call of the window, and more; the queue holds the calls not
 * folded yet. Calls never go below zero, and all of it is read in the statement's one snapshot.
 */
interface WeeklyView {
  /** The workspace's weekly rows of all calls. */
  rows: SQL;
  /** Whether a weekly row's bucket is a week whose calls all count (see `countedWeeks`). */
  countedHere: SQL;
  /** The buckets of the weeks that may count, each with the condition under which it does. */
  countedWeeks: Array<{ bucket: number; counts: SQL }>;
  /** The bucket of the window's last whole week. */
  lastInner: number;
  from: number;
  weeks: number;
  /** The window's calls not folded yet (`rollup_pending` rows). */
  queued: SQL;
  /** The window's last whole week has users, at most MAX_BOUNDED_WEEKLY_USERS (a count of the primary key's entries that stops there). */
  worthReading: SQL;
}

/** Whether the workspace holds no call timestamped in [from, to) (to: no end), evaluated once per statement. */
function noCallFrom(scope: Scope, from: number, to?: number): SQL {
  return sql`not ${holdsRowFrom(traces, scope.workspaceId, from, to)}`;
}

/** The scope's named calls of the window not folded yet (`rollup_pending` rows). */
function queuedOf(scope: Scope, w: TimeWindow): SQL {
  const q = rollupPending;
  return sql`${filters(scope, q)} and ${q.userId} is not null and ${within(q.timestamp, [w])}`;
}

/**
 * The weekly view of a window; undefined when it holds no whole week, or for a scope whose dim
 * the weekly level does not keep (an agent or model filter). Unfiltered or by tag, the same
 * bounds hold: a tag's weekly rows count the calls carrying it. A week's calls "after the
 * window" are probed without the tag (noCallFrom): none at all means none with it.
 */
function weeklyView(scope: Scope, w: TimeWindow, plan: WindowPlan): WeeklyView | undefined {
  const inner = splitWeeks(plan.daily).weekly;
  const dim = weeklyDimOf(scope);
  if (dim === undefined || inner.length === 0) return undefined;
  const t = userStatsWeekly;
  const rows = sql`${t.workspaceId} = ${scope.workspaceId}::uuid and ${t.dim} = ${dim}`;
  const countedWeeks = segmentStarts(inner, WEEK_MS).map((bucket) => ({ bucket, counts: sql`true` }));
  // The last week counts when it starts inside the window and holds no call after it: one probe
  // of the (workspace, timestamp) index, evaluated once per statement.
  const lastWeek = weekStart(w.to - 1);
  if (lastWeek >= w.from && lastWeek + WEEK_MS > w.to) {
    countedWeeks.push({
      bucket: lastWeek,
      counts: noCallFrom(scope, w.to, lastWeek + WEEK_MS),
    });
  }
  const from = weekStart(w.from);
  const lastInner = inner[inner.length - 1]!.to - WEEK_MS;
  return {
    rows,
    countedHere: sql.join(
      countedWeeks.map((c) => sql`(${t.bucket} = ${iso(c.bucket)}::timestamptz and ${c.counts})`),
      sql` or `,
    ),
    countedWeeks,
    lastInner,
    from,
    weeks: Math.ceil((w.to - from) / WEEK_MS),
    queued: queuedOf(scope, w),
    worthReading: sql`(select count(*) from (select 1 from ${t} where ${rows} and ${t.bucket} = ${iso(lastInner)}::timestamptz
      limit ${MAX_BOUNDED_WEEKLY_USERS + 1}) users_of_a_week) between 1 and ${MAX_BOUNDED_WEEKLY_USERS}`,
  };
}

/** The weekly rows of the weeks the window touches (every folded call of the window is in them). */
function touchedWeeks(v: WeeklyView, w: TimeWindow): SQL {
  const t = userStatsWeekly;
  return sql`${v.rows} and ${t.bucket} >= ${iso(v.from)}::timestamptz and ${t.bucket} < ${iso(w.to)}::timestamptz`;
}

/**
 * The CTEs `leaders`, `threshold` and `candidates` of a window's top `limit` users. The leaders are
 * the `limit` most active users of the window's last whole week; `threshold` the least of their
 * lower bounds (their rows of the counted weeks, probed by key, and their queued calls), so at
 * least `limit` users have that many calls in the window (0 when the week has fewer users). A
 * user with fewer calls cannot rank. The candidates are every user that may have as many: one
 * with queued calls in the window, or with a row of a week the window touches holding at least
 * threshold / (weeks touched) calls (else all its folded calls of the window, summed over fewer
 * rows than that, fall short), and the leaders themselves. Counts as float8: exact below 2^53.
 */
function candidateUsers(v: WeeklyView, w: TimeWindow, limit: number): SQL {
  const t = userStatsWeekly;
  const q = rollupPending;
  // A bucket's condition is evaluated once per statement, as a one-time filter of its part.
  const probes = v.countedWeeks.map(
    (c) => sql`select l.user_id, p.calls from leaders l
      cross join lateral (select ${t.calls}::float8 as calls from ${t} where ${v.rows} and ${t.bucket} = ${iso(c.bucket)}::timestamptz and ${t.userId} = l.user_id limit 1) p
      where ${c.counts}`,
  );
  return sql`leaders as materialized (
      select ${t.userId} as user_id from ${t} where ${v.rows} and ${t.bucket} = ${iso(v.lastInner)}::timestamptz
      order by ${t.calls} desc, ${t.userId} limit ${limit}),
    threshold as materialized (
      select case when (select count(*) from leaders) = ${limit} then coalesce(min(lower), 0) else 0 end as calls from (
        select user_id, sum(calls) as lower from (
          ${sql.join(probes, sql` union all `)}
          union all select ${q.userId}, count(*)::float8 from ${q} where ${v.queued} and ${q.userId} in (select user_id from leaders) group by 1) found
        group by 1) lowers),
    candidates as materialized (
      -- calls × weeks ≥ threshold as calls ≥ ⌈threshold / weeks⌉ per touched week: ranges of the
      -- (workspace, dim, bucket, calls, user_id) index, read alone, not every user's row of those weeks.
      select ${t.userId} as user_id from ${t} where ${v.rows} and ${t.bucket} = any(${arrayParam(segmentStarts([{ from: v.from, to: v.from + v.weeks * WEEK_MS }], WEEK_MS).map(iso), 'timestamptz')})
        and ${t.calls} >= (select ceil(calls / ${v.weeks})::bigint from threshold)
      union select ${q.userId} from ${q} where ${v.queued}
      union select user_id from leaders)`;
}

/**
 * The CTE `ranked`: the window's `limit` most active users, by calls and then user id, from every
 * user's calls alone (userRows' 'calls': no cost or token sums, each count summed as float8,
 * exact below 2^53). Ranking needs nothing else, and those sums, numeric ones at that, hashed
 * for every user were most of a top users over many users (docs/BENCHMARKS.md, "High
 * cardinality"); the ranked few are then probed for every figure.
 */
function rankedUsers(scope: Scope, plan: WindowPlan, limit: number, when: SQL = sql`true`): SQL {
  return sql`ranked as materialized (
      select user_id from (${userRows(scope, plan, undefined, 'calls')}) u where ${when}
      group by 1 having sum(calls::float8) > 0 order by sum(calls::float8) desc, user_id collate "C" asc limit ${limit})`;
}

/**
 * The `limit` most active users of the window (user_id, calls, cost, tokens, last_seen), by calls
 * and then user id: every figure of the candidates' rows (candidateUsers) when the weekly level
 * bounds the window and they are few, else of the users ranked by every user's calls
 * (rankedUsers). A user's rows are complete either way, so the top is exact; one statement,
 * one snapshot.
 */
export function topUserRows(scope: Scope, w: TimeWindow, plan: WindowPlan, limit: number): SQL {
  const top = (rows: SQL) =>
    // One statement, top-N in the database: splitting it into parts merged here was measured
    // slower at 5,000 users (10,000 rows to parse and merge) than the single hashed grouping.
    // A candidate without calls in the window has a row of zero calls: not a user of the window.
    sql`select user_id, sum(calls)::float8 as calls, sum(cost_nanos)::text as cost, sum(tokens)::float8 as tokens, max(last_seen) as last_seen
      from (${rows}) u group by 1 having sum(calls) > 0 order by 2 desc, user_id collate "C" asc limit ${limit}`;
  const view = weeklyView(scope, w, plan);
  if (view === undefined) return sql`with ${rankedUsers(scope, plan, limit)} ${top(userRows(scope, plan, sql`ranked`))}`;
  // Decided once for both branches; the candidates are counted only when worth reading (AND
  // stops at false), and the users ranked only when they are not. Either way the users chosen
  // are probed by one userRows: a statement is planned for its values on every run, and a
  // second copy of it would be planned each time too.
  return sql`with ${candidateUsers(view, w, limit)},
    probing as materialized (select ${view.worthReading} and (select count(*) from candidates) <= ${MAX_PROBED_USERS} as few),
    ${rankedUsers(scope, plan, limit, sql`not (select few from probing)`)},
    chosen as materialized (select user_id from candidates where (select few from probing) union all select user_id from ranked)
    ${top(userRows(scope, plan, sql`chosen`))}`;
}

/**
 * The CTEs `bounds` (user_id, lower) and `unsure` of a window: per user with a row in a week the
 * window touches or a queued call in it (every user with a call in the window), `lower` sums its
 * rows of the counted weeks and its queued calls in the window (calls every exact answer counts).
 * `unsure`: the users whose lower bound is zero.
 */
function userBounds(v: WeeklyView, w: TimeWindow): SQL {
  const t = userStatsWeekly;
  const q = rollupPending;
  // Counts of calls summed as float8: exact below 2^53 calls, and hashed several times faster
  // than the numeric that sum(bigint) gives.
  return sql`bounds as materialized (
      select user_id, sum(lower) as lower from (
        select ${t.userId} as user_id, case when ${v.countedHere} then ${t.calls}::float8 else 0 end as lower
        from ${t} where ${touchedWeeks(v, w)}
        union all
        select ${q.userId}, count(*)::float8 from ${q} where ${v.queued} group by 1) b
      group by 1),
    unsure as materialized (select user_id from bounds where lower = 0)`;
}

/**
 * The distinct named users of the window, as a scalar sub-select and the CTEs it needs. An
 * unfiltered window ending after the workspace's last call (one ending now) counts them from
 * each user's latest call (usersSinceLastCalls); any other from the per-user rows
 * (countedFromRows). Exact either way.
 */
export function distinctUserCount(scope: Scope, w: TimeWindow, plan: WindowPlan): { with: SQL; count: SQL } {
  const counted = countedFromRows(scope, w, plan);
  if (dimOf(scope) !== '') return counted;
  // Decided once per statement (a one-time filter); only the branch taken is run.
  // Nothing timestamped at or after the window's end: a window ending now.
  return { with: counted.with, count: sql`(case when ${noCallFrom(scope, w.to)} then ${usersSinceLastCalls(scope, w)} else ${counted.count} end)` };
}

/**
 * The distinct named users of a window that ends after the workspace's last call: those whose
 * latest folded call is at or after its start (user_last_calls; that call is in the window),
 * and those of its queued calls that have none.
 */
function usersSinceLastCalls(scope: Scope, w: TimeWindow): SQL {
  const l = userLastCalls;
  const q = rollupPending;
  const ws = sql`${l.workspaceId} = ${scope.workspaceId}::uuid`;
  const since = sql`${l.lastCall} >= ${iso(w.from)}::timestamptz`;
  // The queued users are few (the queue is folded within seconds): each is probed by key.
  return sql`((select count(*) from ${l} where ${ws} and ${since})
    + (select count(*) from (select distinct ${q.userId} as user_id from ${q} where ${queuedOf(scope, w)}) queued_users
      where not coalesce((select ${since} from ${l} where ${ws} and ${l.userId} = queued_users.user_id), false)))`;
}

/**
 * The distinct named users of any window from the per-user rows (empty CTEs without a weekly
 * view): every user whose lower bound is positive, plus those of the rest (lower bound zero:
 * active only in the weeks at the window's edges, as a rule few) whose rows in the window hold
 * calls; with more of those than MAX_PROBED_USERS, every user's rows grouped.
 */
function countedFromRows(scope: Scope, w: TimeWindow, plan: WindowPlan): { with: SQL; count: SQL } {
  const grouped = (rows: SQL, having: SQL) => sql`(select count(*) from (select user_id from (${rows}) u group by 1 ${having}) g)`;
  const view = weeklyView(scope, w, plan);
  if (view === undefined) return { with: sql``, count: grouped(userRows(scope, plan, undefined, 'calls'), sql``) };
  return {
    with: sql`with ${userBounds(view, w)}`,
    // Each branch's sub-selects run only when that branch is taken.
    count: sql`(case when ${view.worthReading} and (select count(*) from unsure) <= ${MAX_PROBED_USERS}
      then (select count(*) from bounds where lower > 0) + ${grouped(userRows(scope, plan, sql`unsure`, 'calls'), sql`having sum(calls) > 0`)}
      else ${grouped(userRows(scope, plan, undefined, 'calls'), sql``)} end)`,
  };
}

/** For tests: how many users the window's bounds leave to read, for its top `limit` and for its distinct users (undefined without a weekly view). */
export function boundsLeave(scope: Scope, w: TimeWindow, plan: WindowPlan, limit: number): SQL | undefined {
  const view = weeklyView(scope, w, plan);
  if (view === undefined) return undefined;
  return sql`with ${candidateUsers(view, w, limit)}, ${userBounds(view, w)}
    select (select count(*) from candidates)::int as candidates, (select count(*) from unsure)::int as unsure`;
}

import { schema, weekStart } from '@pulse/db';
import { type SQL, sql } from 'drizzle-orm';
import { dimOf } from '../rollups/dims.js';
import { type Scope, userRows, within } from './sources.js';
import { iso, splitWeeks, type TimeWindow, WEEK_MS, type WindowPlan } from './window.js';

const { userStatsWeekly, rollupPending, traces } = schema;

/**
 * At most this many users are read user by user (userRows' probes, about 25 per user over 30
 * days); with more, every user's rows of the window are read, as without bounds.
 */
export const MAX_PROBED_USERS = 256;

/**
 * Bounds are read only when the window's last whole week has at most this many users: with
 * users that each make a call or two (docs/BENCHMARKS.md, "High cardinality"), nearly all of
 * them remain candidates, and reading every user's weekly rows first would only add to the
 * answer.
 */
export const MAX_BOUNDED_WEEKLY_USERS = 20_000;

/** The CTE `bounds` of a window, and the condition under which it is worth reading. */
export interface UserBounds {
  cte: SQL;
  worthReading: SQL;
}

/**
 * Per user of an unfiltered window holding whole weeks, bounds on its calls in the window, as the
 * CTE `bounds` (user_id, lower, upper) (docs/API_SPEC.md §4, top users; §3): `lower` sums the
 * weekly rows of the whole weeks inside the window, the row of the week the window ends in when
 * the rest of that week holds no call (a window ending now), and the user's queued calls in the
 * window: calls every exact answer counts. `upper` sums the weekly rows of every week the window
 * touches and the queued calls: every call of the window, and more. Every user with a call in
 * the window has a row. Calls never go below zero, and both bounds are read in the statement's
 * one snapshot. Undefined when the window holds no whole week, or for a filtered scope (the
 * weekly level keeps all calls only). `worthReading`: its last whole week has at most
 * MAX_BOUNDED_WEEKLY_USERS users (a count of the weekly primary key's entries that stops there).
 */
export function userBounds(scope: Scope, w: TimeWindow, plan: WindowPlan): UserBounds | undefined {
  const inner = splitWeeks(plan.daily).weekly;
  if (dimOf(scope) !== '' || inner.length === 0) return undefined;
  const t = userStatsWeekly;
  const q = rollupPending;
  // The last week's row holds the window's calls in it alone when the week starts inside the
  // window and holds no call after it: one probe of the (workspace, timestamp) index, evaluated
  // once per statement.
  const lastWeek = weekStart(w.to - 1);
  const lastWeekInside =
    lastWeek >= w.from && lastWeek + WEEK_MS > w.to
      ? sql`(${t.bucket} = ${iso(lastWeek)}::timestamptz and not exists (select 1 from ${traces} where ${traces.workspaceId} = ${scope.workspaceId}::uuid
          and ${within(traces.timestamp, [{ from: w.to, to: lastWeek + WEEK_MS }])}))`
      : sql`false`;
  // Counts of calls summed as float8: exact below 2^53 calls, and hashed and sorted several times
  // faster than the numeric that sum(bigint) gives.
  const weekly = sql`${t.workspaceId} = ${scope.workspaceId}::uuid and ${t.dim} = ''`;
  const worthReading = sql`(select count(*) from (select 1 from ${t} where ${weekly} and ${t.bucket} = ${iso(inner[inner.length - 1]!.to - WEEK_MS)}::timestamptz
    limit ${MAX_BOUNDED_WEEKLY_USERS + 1}) users_of_a_week) <= ${MAX_BOUNDED_WEEKLY_USERS}`;
  const cte = sql`bounds as materialized (
      select user_id, sum(lower) as lower, sum(upper) as upper from (
        select ${t.userId} as user_id, case when ${within(t.bucket, inner)} or ${lastWeekInside} then ${t.calls}::float8 else 0 end as lower,
          ${t.calls}::float8 as upper
        from ${t} where ${weekly} and ${t.bucket} >= ${iso(weekStart(w.from))}::timestamptz
          and ${t.bucket} < ${iso(w.to)}::timestamptz
        union all
        select ${q.userId}, count(*)::float8, count(*)::float8 from ${q} where ${q.workspaceId} = ${scope.workspaceId}::uuid and ${q.userId} is not null
          and ${within(q.timestamp, [w])} group by 1) b
      group by 1)`;
  return { cte, worthReading };
}

/**
 * The `limit` most active users of the window (user_id, calls, cost, tokens, last_seen), by calls
 * and then user id: the sums of every user's rows (userRows), or, with bounds, of the candidates'
 * rows only as long as they are few: a user whose upper bound is below the `limit`-th largest
 * lower bound has fewer calls than `limit` others and cannot rank. A user's rows are complete
 * either way, so the top is exact; one statement, one snapshot.
 */
export function topUserRows(scope: Scope, w: TimeWindow, plan: WindowPlan, limit: number): SQL {
  const top = (rows: SQL) =>
    // One statement, top-N in the database: splitting it into parts merged here was measured
    // slower at 5,000 users (10,000 rows to parse and merge) than the single hashed grouping.
    // A candidate without calls in the window has a row of zero calls: not a user of the window.
    sql`select user_id, sum(calls)::float8 as calls, sum(cost_nanos)::text as cost, sum(tokens)::float8 as tokens, max(last_seen) as last_seen
      from (${rows}) u group by 1 having sum(calls) > 0 order by 2 desc, user_id collate "C" asc limit ${limit}`;
  const bounds = userBounds(scope, w, plan);
  if (bounds === undefined) return top(userRows(scope, plan));
  // The candidates are counted only when the bounds are worth reading (AND stops at false).
  const few = sql`(${bounds.worthReading} and (select count(*) from candidates) <= ${MAX_PROBED_USERS})`;
  return sql`with ${bounds.cte}, ${rankCandidates(limit)}
    ${top(sql`select * from (${userRows(scope, plan, sql`candidates`)}) probed where ${few}
      union all select * from (${userRows(scope, plan)}) scanned where not ${few}`)}`;
}

/** The CTE `candidates` over `bounds`: the users that can be among the `limit` most active. */
export function rankCandidates(limit: number): SQL {
  return sql`candidates as materialized (
    select user_id from bounds where upper >= coalesce((select lower from bounds order by lower desc limit 1 offset ${limit - 1}), 0))`;
}

/** The CTE `unsure` over `bounds`: the users whose calls in the window the bounds leave in doubt. */
export const unsureUsers = sql`unsure as materialized (select user_id from bounds where lower = 0)`;

/**
 * The distinct named users of the window, as a scalar sub-select and the CTEs it needs (empty
 * without bounds): every user whose lower bound is positive, plus those of the rest (lower bound
 * zero: active only at the window's edge weeks, as a rule few) whose rows in the window hold
 * calls; with more of those than MAX_PROBED_USERS, every user's rows grouped. Exact either way.
 */
export function distinctUserCount(scope: Scope, w: TimeWindow, plan: WindowPlan): { with: SQL; count: SQL } {
  const grouped = (rows: SQL, having: SQL) => sql`(select count(*) from (select user_id from (${rows}) u group by 1 ${having}) g)`;
  const bounds = userBounds(scope, w, plan);
  if (bounds === undefined) return { with: sql``, count: grouped(userRows(scope, plan), sql``) };
  return {
    with: sql`with ${bounds.cte}, ${unsureUsers}`,
    // Each branch's sub-selects run only when that branch is taken.
    count: sql`(case when ${bounds.worthReading} and (select count(*) from unsure) <= ${MAX_PROBED_USERS}
      then (select count(*) from bounds where lower > 0) + ${grouped(userRows(scope, plan, sql`unsure`), sql`having sum(calls) > 0`)}
      else ${grouped(userRows(scope, plan), sql``)} end)`,
  };
}

import { arrayParam, bare, schema, timeBucket } from '@pulse/db';
import type { Granularity } from '@pulse/shared';
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { awaitsRepricing, currentCost, type PendingRepricing } from '../prices/pending-repricing.js';
import { dimOf, weeklyDimOf } from '../rollups/dims.js';
import { latencyBinSql, unpricedCount } from '../rollups/rollup-sql.js';
import { flagCountsOf, flaggedCount } from '../rollups/safety-sql.js';
import { rolledTags, UNTAGGED } from '../rollups/tags.js';
import { decidingRank } from '../scores/decisions.js';
import {
  DAY_MS,
  dayLessHours,
  type EdgeDay,
  type EdgeHour,
  HOUR_MS,
  iso,
  segmentStarts,
  splitMinutes,
  splitWeeks,
  type TimeWindow,
  WEEK_MS,
  type WindowPlan,
} from './window.js';

const { traces, scores, scoreStatsHourly, scoreStatsDaily, rollupPending, statsMinutely, statsHourly, statsDaily, statsByTagHourly, statsByTagDaily, tagPairStatsHourly, tagPairStatsDaily, userStatsHourly, userStatsDaily, userStatsWeekly, latencyHistHourly, latencyHistDaily, errorStatsHourly, errorStatsDaily,
  errorStatsByTagHourly, errorStatsByTagDaily } = schema;

/** Tables of one row per trace: `traces` and the queue of traces not yet folded (same columns). */
type TraceTable = typeof traces | typeof rollupPending;
/** `scores` and its rollups, filtered by the scored call's agent and model copied onto them. */
type ScoreTable = typeof scores | typeof scoreStatsHourly;
/** The stats rollups: per (bucket, agent, model), and the same per tag besides. */
type StatsTable = typeof statsMinutely | typeof statsHourly | typeof statsByTagHourly;
/** The error rollups: per (bucket, type, agent, model), and the same per tag besides. */
type ErrorTable = typeof errorStatsHourly | typeof errorStatsByTagHourly;

/**
 * Row sources for the analytics queries. Each returns a SELECT whose rows, summed, give
 * the exact figure for the plan's window: raw traces for the sub-hour edges (the last one from
 * its hour's rollup row when the rest of that hour is empty: EdgeHour; for the stats, only their
 * sub-minute ends: minuteSources), hourly and daily rollups for the rest, plus the queued traces not yet folded into those rollups
 * (rollup_pending, read like raw rows over the rollup segments). Callers aggregate them in
 * one statement: one snapshot, in which a fold has either happened entirely or not at all.
 * Sums of tokens and nano-dollars are numeric in every part, as in the rollups: no count of
 * traces at the largest values overflows them (docs/API_SPEC.md §2); the callers' sum() over
 * them is exact.
 */
export interface Scope {
  workspaceId: string;
  agentId?: string | undefined;
  model?: string | undefined;
  /**
   * Calls carrying this tag. statsRows() reads the tag rollups (stats_by_tag_*) for it, tagRows()
   * those and the tag pair rollups (tag_pair_stats_*) when no agent or model filter goes with it,
   * the dim-keyed rollups its 't:' dim when no agent or model filter goes with it (dimServedPlan);
   * the error rollups per tag (error_stats_by_tag_*); the score sources, whose rollups have no
   * tag, read raw rows (servedPlan).
   */
  tag?: string | undefined;
  timescale: boolean;
  /**
   * The workspace's models whose stored costs a price change has still to rewrite: the cost
   * sources add what their calls' costs change by now (repricingRows).
   */
  repricing: readonly PendingRepricing[];
}

const none = sql`false`;

export function within(column: AnyColumn, segments: TimeWindow[]): SQL {
  if (segments.length === 0) return none;
  return sql.join(
    segments.map((s) => sql`(${column} >= ${iso(s.from)}::timestamptz and ${column} < ${iso(s.to)}::timestamptz)`),
    sql` or `,
  );
}

/**
 * The scope's workspace and filters on a table with those columns. A tag is matched among a
 * call's `tags` in the tables of one row per call, and as the `tag` key of the rollups per tag
 * (stats, errors); the others hold no tag (servedPlan() and dimServedPlan() keep a tagged scope
 * off them, tagRows() reads the tag pair rollups itself).
 */
export function filters(scope: Pick<Scope, 'workspaceId' | 'agentId' | 'model' | 'tag'>, t: TraceTable | StatsTable | ErrorTable | ScoreTable): SQL {
  const parts: SQL[] = [sql`${t.workspaceId} = ${scope.workspaceId}::uuid`];
  if (scope.agentId !== undefined) parts.push(sql`${t.agentId} = ${scope.agentId}`);
  if (scope.model !== undefined) parts.push(sql`${t.model} = ${scope.model}`);
  if (scope.tag !== undefined) {
    if ('tags' in t) parts.push(sql`${t.tags} @> ${JSON.stringify([scope.tag])}::jsonb`);
    else if ('tag' in t) parts.push(sql`${t.tag} = ${scope.tag}`);
    else throw new Error('a tag filter reads raw rows or the tag rollups only');
  }
  return sql.join(parts, sql` and `);
}

/**
 * The plan a scope is served by for the sources whose rollups have no tag dimension (scores):
 * as planned (its last day by the hour), or, for a tag filter, the whole window raw.
 */
function servedPlan(scope: Scope, plan: WindowPlan): WindowPlan {
  return scope.tag === undefined ? hoursOfLastDay(plan) : wholeWindowRaw(plan);
}

/**
 * A plan whose last day is read by the hour (no EdgeDay): for the rollups of a few rows per
 * hour (stats, errors, tags, scores), where the day row's part and its probe cost more than the
 * hourly rows they save. The per-user and latency rollups, thousands of rows or hundreds of bins
 * an hour, keep it.
 */
function hoursOfLastDay(plan: WindowPlan): WindowPlan {
  if (!plan.edgeDay) return plan;
  const { edgeDay, ...rest } = plan;
  return { ...rest, hourly: [...plan.hourly, edgeDay.hours] };
}

/**
 * The plan of the dim-keyed rollups (users, latency histograms): as planned when one dim holds
 * the scope's facts, else (a tag with agent or model filters) the whole window from raw traces.
 */
export function dimServedPlan(scope: Scope, plan: WindowPlan): WindowPlan {
  return dimOf(scope) === undefined ? wholeWindowRaw(plan) : plan;
}

/** The window of a plan as one raw segment (the queue's rows are in `traces` too). */
function wholeWindowRaw(plan: WindowPlan): WindowPlan {
  const segments = [...plan.raw, ...(plan.edge ? [plan.edge.edge] : []), ...(plan.edgeDay ? [plan.edgeDay.edge] : []), ...plan.hourly, ...plan.daily];
  if (segments.length === 0) return plan;
  return {
    raw: [{ from: Math.min(...segments.map((s) => s.from)), to: Math.max(...segments.map((s) => s.to)) }],
    hourly: [],
    daily: [],
  };
}

/**
 * The calls of the scope in the whole window that await re-pricing, with `delta` (what the
 * prices now change each one's cost by, in nano-dollars) and `d_unpriced` (the change of its
 * being unpriced): a price change rewrites stored costs in the background, and until it has,
 * every part above still sums their old costs, in `traces`, the queue or the rollups alike.
 * Read only while the workspace has such a model: then one more pass over the window's calls.
 */
function repricingRows(scope: Scope, plan: WindowPlan, columns: (delta: SQL, dUnpriced: SQL) => SQL, groupBy: SQL, from: SQL = sql`${traces}`): SQL | undefined {
  const window = wholeWindowRaw(plan).raw;
  if (scope.repricing.length === 0 || window.length === 0) return undefined;
  const { cost, source } = currentCost(traces, scope.repricing);
  const delta = sql`(${cost} - ${traces.costNanos})`;
  const dUnpriced = sql`((${source} = 'unpriced')::int - (${traces.costSource} = 'unpriced')::int)`;
  return sql`select ${columns(delta, dUnpriced)} from ${from}
    where ${filters(scope, traces)} and ${awaitsRepricing(traces, scope.repricing)} and (${within(traces.timestamp, window)}) ${groupBy}`;
}

/**
 * The scope for a figure a price change cannot move (calls, errors, agents, users, latency,
 * tokens): without the models being re-priced, so its sources leave out repricingRows' pass
 * over their calls, which only corrects costs.
 */
export function countsOnly(scope: Scope): Scope {
  return { ...scope, repricing: [] };
}

/** The scope on a dim-keyed rollup: its workspace and the one dim holding the filtered facts. */
function dimFilter(scope: Scope, t: typeof userStatsHourly | typeof latencyHistHourly): SQL {
  const dim = dimOf(scope);
  // dimServedPlan() reads no dim-keyed rollup for such a scope.
  if (dim === undefined) throw new Error('no dim holds a tag with agent or model filters');
  return sql`${t.workspaceId} = ${scope.workspaceId}::uuid and ${t.dim} = ${dim}`;
}

/**
 * One UNION ALL part of a source: a table, the segments it is read over, and when it is read at
 * all (`true`, or whether an edge's hour holds calls outside the window: see rawSources).
 */
interface Part<T> {
  table: T;
  segments: TimeWindow[];
  when: SQL;
}

const always = sql`true`;

/**
 * Whether `table` holds a row of the workspace (a call, or a score by its call's timestamp)
 * timestamped at or after `from`, and before `to` when given: an uncorrelated sub-select, which
 * PostgreSQL evaluates once per statement (a one-time filter). It asks for the earliest such row,
 * which only the (workspace, timestamp) index gives without reading the range: asked as `exists`,
 * the planner expected a sequential scan to meet a row at once when the range holds many, but a
 * table filled in time order keeps a range's rows together, and the scan read 2-4 million older
 * rows first, 0.3-0.7 s at 10 M calls (docs/BENCHMARKS.md, "A probe of the newest calls").
 */
export function holdsRowFrom(table: typeof traces | typeof scores, workspaceId: string, from: number, to?: number): SQL {
  const timestamp = table === scores ? scores.traceTimestamp : traces.timestamp;
  const until = to === undefined ? sql`` : sql` and ${timestamp} < ${iso(to)}::timestamptz`;
  return sql`((select ${timestamp} from ${table} where ${table.workspaceId} = ${workspaceId}::uuid
    and ${timestamp} >= ${iso(from)}::timestamptz${until} order by ${timestamp} limit 1) is not null)`;
}

/**
 * Whether the rest of an edge's hour or day holds a row of `table` (holdsRowFrom). PostgreSQL
 * skips the parts it rules out, so the edge is read either from its hour's or day's rollup row
 * or else finer, in the statement's one snapshot.
 */
function restHolds(scope: Scope, edge: EdgeHour | EdgeDay, table: typeof traces | typeof scores): SQL {
  return holdsRowFrom(table, scope.workspaceId, edge.rest.from, edge.rest.to);
}

/**
 * When the last sub-hour edge is read from its hour's rollup row: the rest of the hour holds no
 * row of `probed`, and, inside an EdgeDay, the rest of the day does (else the day's row holds the
 * hour).
 */
function hourFromRollup(scope: Scope, plan: WindowPlan & { edge: EdgeHour }, probed: typeof traces | typeof scores): SQL {
  const hour = sql`not ${restHolds(scope, plan.edge, probed)}`;
  return plan.edgeDay ? sql`${hour} and ${restHolds(scope, plan.edgeDay, probed)}` : hour;
}

/**
 * The row-level sources of a plan: `traces` for the raw segments, and the not-yet-folded queue
 * over the segments the rollups answer (the rollups hold only folded traces). An edge is read
 * from `traces` when the rest of its hour holds calls; else its whole hour (or, when the rest of
 * its day holds none either, the window's last day: EdgeDay) is the queue's here and the
 * rollups' in rollupSources().
 */
function rawSources(scope: Scope, plan: WindowPlan): Array<Part<TraceTable>> {
  const sources: Array<Part<TraceTable>> = [];
  if (plan.raw.length) sources.push({ table: traces, segments: plan.raw, when: always });
  const { edge, edgeDay } = plan;
  if (edge) sources.push({ table: traces, segments: [edge.edge], when: restHolds(scope, edge, traces) });
  // An EdgeDay's whole hours are the queue's whichever rollup answers them; the rest of its day
  // holds no call when the day's row is read, so the queue has nothing there to add either.
  const rolled = [...plan.hourly, ...plan.daily, ...(edgeDay ? [edgeDay.hours] : [])];
  if (rolled.length) sources.push({ table: rollupPending, segments: rolled, when: always });
  if (edge) sources.push({ table: rollupPending, segments: [edge.hour], when: sql`not ${restHolds(scope, edge, traces)}` });
  return sources;
}

/**
 * The rollup parts of a plan, one per segment: each becomes its own UNION ALL part, so every
 * part is a single index range scan (an OR of ranges would scan the workspace's whole dim). An
 * edge's hour is read from the hourly rollup when the rest of the hour holds no row of `probed`
 * (`traces`, or `scores` for the score rollups), and the window's last day from the daily rollup
 * when the rest of the day holds none (else its whole hours hourly). With a `weekly` level, the
 * whole weeks inside the days are read from it.
 */
function rollupSources<T>(scope: Scope, plan: WindowPlan, hourly: T, daily: T, probed: typeof traces | typeof scores = traces, weekly?: T): Array<Part<T>> {
  const days = weekly === undefined ? { daily: plan.daily, weekly: [] } : splitWeeks(plan.daily);
  const parts = [
    ...plan.hourly.map((segment) => ({ table: hourly, segments: [segment], when: always })),
    ...days.daily.map((segment) => ({ table: daily, segments: [segment], when: always })),
    ...days.weekly.map((segment) => ({ table: weekly as T, segments: [segment], when: always })),
  ];
  const { edge, edgeDay } = plan;
  if (edge) parts.push({ table: hourly, segments: [edge.hour], when: hourFromRollup(scope, { ...plan, edge }, probed) });
  if (edgeDay) {
    const dayHolds = restHolds(scope, edgeDay, probed);
    parts.push({ table: hourly, segments: [edgeDay.hours], when: dayHolds });
    parts.push({ table: daily, segments: [edgeDay.day], when: sql`not ${dayHolds}` });
  }
  return parts;
}

/**
 * The row-level sources of a plan for the stats (rawSources), with the whole minutes of every
 * raw `traces` part read from stats_minutely instead, plus the queue over them (the minute rows
 * hold folded calls only), each under the part's own condition: at most the sub-minute ends of a
 * segment are read raw. The minute level has no tag key, so a tag filter reads its edges raw.
 */
function minuteSources(scope: Scope, plan: WindowPlan): { raw: Array<Part<TraceTable>>; minutes: Array<Part<StatsTable>> } {
  const parts = rawSources(scope, plan);
  if (scope.tag !== undefined) return { raw: parts, minutes: [] };
  const raw: Array<Part<TraceTable>> = [];
  const minutes: Array<Part<StatsTable>> = [];
  for (const part of parts) {
    if (part.table !== traces) {
      raw.push(part);
      continue;
    }
    for (const segment of part.segments) {
      const split = splitMinutes(segment);
      // One part per range: each is one index range scan (see rollupSources).
      for (const end of split.ends) raw.push({ ...part, segments: [end] });
      if (split.minutes) {
        minutes.push({ table: statsMinutely, segments: [split.minutes], when: part.when });
        raw.push({ table: rollupPending, segments: [split.minutes], when: part.when });
      }
    }
  }
  return { raw, minutes };
}

function bucketOf(scope: Scope, g: Granularity | null, column: AnyColumn): SQL {
  return g ? timeBucket(scope.timescale, g, column) : sql`null::timestamptz`;
}

/**
 * The row shapes below are the sources' own (their aliases), read by the queries that
 * aggregate them; each part reads its table through the schema's column objects.
 */

/** The stats rollups that serve a scope: per tag for a tag filter (with its agent and model filters too). */
function statsRollups(scope: Scope): [StatsTable, StatsTable] {
  return scope.tag === undefined ? [statsHourly, statsDaily] : [statsByTagHourly, statsByTagDaily];
}

/**
 * (bucket, agent_id, model, calls, errors, input_tokens, output_tokens, cost_nanos, latency_sum, unpriced_calls)
 * With a tag filter too, every segment but the raw edges and the queued calls is read from rollups
 * (without one, the edges' whole minutes too: minuteSources).
 */
export function statsRows(scope: Scope, planned: WindowPlan, g: Granularity | null): SQL {
  const plan = hoursOfLastDay(planned);
  const [hourly, daily] = statsRollups(scope);
  const { raw, minutes } = minuteSources(scope, plan);
  const parts: SQL[] = [];
  for (const { table: t, segments, when } of raw) {
    parts.push(sql`select ${bucketOf(scope, g, t.timestamp)} as bucket, ${t.agentId} as agent_id, ${t.model} as model, count(*)::bigint as calls,
      sum(${t.isError})::bigint as errors, sum(${t.inputTokens})::numeric as input_tokens, sum(${t.outputTokens})::numeric as output_tokens,
      sum(${t.costNanos}) as cost_nanos, sum(${t.latencyMs}) as latency_sum, ${unpricedCount(t.costSource)}::bigint as unpriced_calls
      from ${t} where ${filters(scope, t)} and (${within(t.timestamp, segments)}) and ${when} group by 1, 2, 3`);
  }
  for (const { table: t, segments, when } of [...minutes, ...rollupSources(scope, plan, hourly, daily)]) {
    parts.push(sql`select ${bucketOf(scope, g, t.bucket)} as bucket, ${t.agentId} as agent_id, ${t.model} as model, ${t.calls} as calls,
      ${t.errors} as errors, ${t.inputTokens} as input_tokens, ${t.outputTokens} as output_tokens, ${t.costNanos} as cost_nanos,
      ${t.latencySumMs} as latency_sum, ${t.unpricedCalls} as unpriced_calls from ${t} where ${filters(scope, t)} and (${within(t.bucket, segments)}) and ${when}`);
  }
  const repricing = repricingRows(
    scope,
    plan,
    (delta, dUnpriced) => sql`${bucketOf(scope, g, traces.timestamp)} as bucket, ${traces.agentId} as agent_id, ${traces.model} as model,
      0::bigint as calls, 0::bigint as errors, 0::numeric as input_tokens, 0::numeric as output_tokens, sum(${delta}) as cost_nanos,
      0::float8 as latency_sum, sum(${dUnpriced})::bigint as unpriced_calls`,
    sql`group by 1, 2, 3`,
  );
  if (repricing) parts.push(repricing);
  return unionAll(parts, sql`select null::timestamptz as bucket, null::text as agent_id, null::text as model, 0::bigint as calls,
    0::bigint as errors, 0::numeric as input_tokens, 0::numeric as output_tokens, 0::numeric as cost_nanos, 0::float8 as latency_sum, 0::bigint as unpriced_calls where false`);
}

/**
 * (bucket, agent_id, calls, flagged, flag_counts) — calls, calls with any safety flag, and the
 * calls carrying each type (bigint[] in SAFETY_TYPES order; rollups/safety-sql.ts), from the
 * same stats rollups as statsRows (per tag for a tag filter), raw edges and queued calls.
 */
export function safetyStatsRows(scope: Scope, planned: WindowPlan, g: Granularity | null): SQL {
  const plan = hoursOfLastDay(planned);
  const [hourly, daily] = statsRollups(scope);
  const { raw, minutes } = minuteSources(scope, plan);
  const parts: SQL[] = [];
  for (const { table: t, segments, when } of raw) {
    parts.push(sql`select ${bucketOf(scope, g, t.timestamp)} as bucket, ${t.agentId} as agent_id, count(*)::bigint as calls,
      ${flaggedCount(t.safetyFlags)}::bigint as flagged, ${flagCountsOf(t.safetyFlags)} as flag_counts
      from ${t} where ${filters(scope, t)} and (${within(t.timestamp, segments)}) and ${when} group by 1, 2`);
  }
  for (const { table: t, segments, when } of [...minutes, ...rollupSources(scope, plan, hourly, daily)]) {
    parts.push(sql`select ${bucketOf(scope, g, t.bucket)} as bucket, ${t.agentId} as agent_id, ${t.calls} as calls,
      ${t.flaggedCalls} as flagged, ${t.flagCounts} as flag_counts from ${t} where ${filters(scope, t)} and (${within(t.bucket, segments)}) and ${when}`);
  }
  return unionAll(parts, sql`select null::timestamptz as bucket, null::text as agent_id, 0::bigint as calls, 0::bigint as flagged,
    '{}'::bigint[] as flag_counts where false`);
}

/**
 * What userRows gives per user: every figure (top users), or the calls alone (distinct users,
 * which need only who has calls: no cost or token sums to compute, numeric ones at that).
 */
export type UserFigures = 'all' | 'calls';

/**
 * (user_id, calls, cost_nanos, tokens, last_seen), or (user_id, calls) for `figures` 'calls' —
 * named users only. A long first partial day is read as its day's row less the day's earlier
 * hours (dayLessHours), netted per user in a part of its own that keeps the users with calls left.
 *
 * With `candidates` (a relation of user_id: analytics/user-bounds.ts), the rows of those users
 * only, each part probed user by user instead of scanned: a rollup row by its primary key per
 * user and bucket, the raw calls through the (workspace, user, timestamp) index. A candidate
 * without calls in a raw part gets a row of zero calls there; a rollup part gives it no row.
 */
export function userRows(scope: Scope, planned: WindowPlan, candidates?: SQL, figures: UserFigures = 'all'): SQL {
  const all = figures === 'all';
  const plan = dimServedPlan(scope, planned);
  const lessened = dayLessHours(plan);
  const parts: SQL[] = [];
  for (const { table: t, segments, when } of rawSources(scope, plan)) {
    const sums = all
      ? sql`count(*)::bigint as calls, sum(${t.costNanos}) as cost_nanos,
      sum(${t.inputTokens}::bigint + ${t.outputTokens}) as tokens, max(${t.timestamp}) as last_seen`
      : sql`count(*)::bigint as calls`;
    const where = sql`${filters(scope, t)} and ${t.userId} is not null and (${within(t.timestamp, segments)}) and ${when}`;
    if (candidates === undefined) parts.push(sql`select ${t.userId} as user_id, ${sums} from ${t} where ${where} group by 1`);
    // The queue is small and read whole anyway: filtered, not probed.
    else if (t === rollupPending) parts.push(sql`select ${t.userId} as user_id, ${sums} from ${t} where ${where} and ${t.userId} in (select user_id from ${candidates}) group by 1`);
    else parts.push(sql`select c.user_id, r.* from ${candidates} c cross join lateral (select ${sums} from ${t} where ${where} and ${t.userId} = c.user_id) r`);
  }
  // The weekly level keeps the dim of all calls and each tag's (rollups/dims.ts).
  const weekly = weeklyDimOf(scope) === undefined ? undefined : userStatsWeekly;
  const columns = (t: typeof userStatsHourly) =>
    all
      ? sql`${t.userId} as user_id, ${t.calls} as calls, ${t.costNanos} as cost_nanos, ${t.tokens} as tokens, ${t.lastSeen} as last_seen`
      : sql`${t.userId} as user_id, ${t.calls} as calls`;
  const rolled = (t: typeof userStatsHourly, segments: TimeWindow[], when: SQL) =>
    candidates === undefined
      ? sql`select ${columns(t)} from ${t} where ${dimFilter(scope, t)} and (${within(t.bucket, segments)}) and ${when}`
      : // One primary-key probe per candidate and bucket; the limit keeps the lateral subquery a
        // parameterized probe (a flattened join could scan the segment whole instead).
        sql`select p.* from ${candidates} c cross join unnest(${arrayParam(bucketsOf(t, segments).map(iso), 'timestamptz')}) as b(bucket)
          cross join lateral (select ${columns(t)} from ${t} where ${dimFilter(scope, t)} and ${t.bucket} = b.bucket and ${t.userId} = c.user_id limit 1) p
          where ${when}`;
  for (const { table, segments, when } of rollupSources(scope, lessened?.plan ?? plan, userStatsHourly, userStatsDaily, traces, weekly)) {
    parts.push(rolled(table, segments, when));
  }
  if (lessened) {
    // The day's row less its hours before the segment, per user. The day's last call is in the
    // segment when the user has calls left there, so the row's last_seen is the segment's.
    const less = rolled(userStatsHourly, [lessened.less], always);
    const [netted, negated] = all
      ? [sql`sum(calls) as calls, sum(cost_nanos) as cost_nanos, sum(tokens) as tokens, max(last_seen) as last_seen`, sql`-calls, -cost_nanos, -tokens, null::timestamptz`]
      : [sql`sum(calls) as calls`, sql`-calls`];
    parts.push(sql`select user_id, ${netted}
      from (${rolled(userStatsDaily, [lessened.day], always)}
            union all select user_id, ${negated} from (${less}) hours) day_less_hours
      group by 1 having sum(calls) > 0`);
  }
  // Re-pricing corrects costs only: the calls alone need none of it.
  const repricing = all
    ? repricingRows(
        scope,
        plan,
        (delta) => sql`${traces.userId} as user_id, 0::bigint as calls, sum(${delta}) as cost_nanos, 0::numeric as tokens, null::timestamptz as last_seen`,
        candidates === undefined
          ? sql`and ${traces.userId} is not null group by 1`
          : sql`and ${traces.userId} in (select user_id from ${candidates}) group by 1`,
      )
    : undefined;
  if (repricing) parts.push(repricing);
  return unionAll(
    parts,
    all
      ? sql`select null::text as user_id, 0::bigint as calls, 0::numeric as cost_nanos, 0::numeric as tokens, null::timestamptz as last_seen where false`
      : sql`select null::text as user_id, 0::bigint as calls where false`,
  );
}

/** The bucket starts of a per-user rollup's segments, by its level. */
function bucketsOf(t: typeof userStatsHourly, segments: TimeWindow[]): number[] {
  return segmentStarts(segments, t === userStatsHourly ? HOUR_MS : t === userStatsDaily ? DAY_MS : WEEK_MS);
}

/**
 * (bucket, bins, counts) — latency histograms as parallel arrays (bins ascending), one row per
 * rollup bucket; the raw edges and queued traces are binned on the fly into the same shape.
 * A bucket may come in several rows: the caller merges them.
 */
export function histRows(scope: Scope, planned: WindowPlan, g: Granularity | null): SQL {
  const plan = dimServedPlan(scope, planned);
  const parts: SQL[] = [];
  for (const { table: t, segments, when } of rawSources(scope, plan)) {
    parts.push(sql`select bucket, array_agg(bin order by bin) as bins, array_agg(n order by bin)::float8[] as counts
      from (select ${bucketOf(scope, g, t.timestamp)} as bucket, ${latencyBinSql(t.latencyMs)} as bin, count(*) as n
            from ${t} where ${filters(scope, t)} and (${within(t.timestamp, segments)}) and ${when} group by 1, 2) binned
      group by 1`);
  }
  for (const { table: t, segments, when } of rollupSources(scope, plan, latencyHistHourly, latencyHistDaily)) {
    parts.push(sql`select ${bucketOf(scope, g, t.bucket)} as bucket, ${t.bins} as bins, ${t.counts}::float8[] as counts from ${t}
      where ${dimFilter(scope, t)} and (${within(t.bucket, segments)}) and ${when}`);
  }
  return unionAll(parts, sql`select null::timestamptz as bucket, null::int[] as bins, null::float8[] as counts where false`);
}

/** (error_type, agent_id, model, count, last_seen, last_message); with a tag filter, from the error rollups per tag. */
export function errorRows(scope: Scope, planned: WindowPlan): SQL {
  const plan = hoursOfLastDay(planned);
  const [hourly, daily] = scope.tag === undefined ? [errorStatsHourly, errorStatsDaily] : [errorStatsByTagHourly, errorStatsByTagDaily];
  const parts: SQL[] = [];
  for (const { table: t, segments, when } of rawSources(scope, plan)) {
    parts.push(sql`select ${t.errorType} as error_type, ${t.agentId} as agent_id, ${t.model} as model, count(*)::bigint as count,
      max(${t.timestamp}) as last_seen,
      (array_agg(${t.errorMessage} order by ${t.timestamp} desc, ${t.errorMessage} desc nulls last))[1] as last_message
      from ${t} where ${filters(scope, t)} and ${t.isError} = 1 and (${within(t.timestamp, segments)}) and ${when} group by 1, 2, 3`);
  }
  for (const { table: t, segments, when } of rollupSources(scope, plan, hourly, daily)) {
    parts.push(sql`select ${t.errorType} as error_type, ${t.agentId} as agent_id, ${t.model} as model, ${t.count} as count,
      ${t.lastSeen} as last_seen, ${t.lastMessage} as last_message from ${t}
      where ${filters(scope, t)} and (${within(t.bucket, segments)}) and ${when}`);
  }
  return unionAll(parts, sql`select null::text as error_type, null::text as agent_id, null::text as model, 0::bigint as count,
    null::timestamptz as last_seen, null::text as last_message where false`);
}

/**
 * (tag, calls, cost_nanos) — the scope's calls in the window per tag, a call counting once under
 * each of its tags, and the calls without tags under UNTAGGED (''); a tag may come in several
 * rows: the caller sums them. Read like statsRows: raw edges and queued calls tag by tag, the
 * tag rollups for the rest. With a tag filter, the calls carrying it are read from that tag's
 * rows: its own figure from the tag rollups, its calls' other tags from the tag pair rollups;
 * those have no agent or model key, so a tag with agent or model filters reads the whole window
 * from raw calls.
 */
export function tagRows(scope: Scope, planned: WindowPlan): SQL {
  const pairsServe = scope.agentId === undefined && scope.model === undefined;
  const plan = scope.tag === undefined || pairsServe ? hoursOfLastDay(planned) : wholeWindowRaw(planned);
  const parts: SQL[] = [];
  for (const { table: t, segments, when } of rawSources(scope, plan)) {
    // The tag filter on the call, then every tag of the call: rows of one call per tag.
    parts.push(sql`select c.tag, count(*)::bigint as calls, sum(${t.costNanos})::numeric as cost_nanos
      from ${t} cross join lateral ${rolledTags(t.tags)} as c(tag)
      where ${filters(scope, t)} and (${within(t.timestamp, segments)}) and ${when} group by 1`);
  }
  for (const { table: t, segments, when } of rollupSources(scope, plan, statsByTagHourly, statsByTagDaily)) {
    parts.push(sql`select ${t.tag} as tag, ${t.calls} as calls, ${t.costNanos} as cost_nanos from ${t}
      where ${filters(scope, t)} and (${within(t.bucket, segments)}) and ${when}`);
  }
  if (scope.tag !== undefined) {
    for (const { table: t, segments, when } of rollupSources(scope, plan, tagPairStatsHourly, tagPairStatsDaily)) {
      parts.push(sql`select ${t.otherTag} as tag, ${t.calls} as calls, ${t.costNanos} as cost_nanos from ${t}
        where ${t.workspaceId} = ${scope.workspaceId}::uuid and ${t.tag} = ${scope.tag} and (${within(t.bucket, segments)}) and ${when}`);
    }
  }
  const repricing = repricingRows(
    scope,
    plan,
    (delta) => sql`c.tag, 0::bigint as calls, sum(${delta})::numeric as cost_nanos`,
    sql`group by 1`,
    sql`${traces} cross join lateral ${rolledTags(traces.tags)} as c(tag)`,
  );
  if (repricing) parts.push(repricing);
  return unionAll(parts, sql`select ${UNTAGGED}::text as tag, 0::bigint as calls, 0::numeric as cost_nanos where false`);
}

/** (bucket, latency_ms) — exact percentile_cont over raw rows, for windows no rollup can serve. */
export function rawLatencyRows(scope: Scope, window: TimeWindow, g: Granularity | null): SQL {
  return sql`select ${bucketOf(scope, g, traces.timestamp)} as bucket, ${traces.latencyMs} as latency_ms from ${traces}
    where ${filters(scope, traces)} and (${within(traces.timestamp, [window])})`;
}

/** The calls of the window with their safety flags, from raw rows: /safety/latest reads the newest flagged ones. */
export function flaggedCallRows(scope: Scope, window: TimeWindow): SQL {
  return sql`select ${traces.timestamp} as timestamp, ${traces.traceId} as trace_id,
    ${traces.agentId} as agent_id, ${traces.model} as model, ${traces.userId} as user_id, ${traces.safetyFlags} as safety_flags
    from ${traces} where ${filters(scope, traces)} and (${within(traces.timestamp, [window])})`;
}

/**
 * The scope on `scores` or a score rollup. A tag is read from the scored trace, through its
 * primary key: only raw scores can be filtered so (servedPlan reads nothing else for a tag).
 */
function scoreFilters(scope: Scope, t: ScoreTable): SQL {
  if (scope.tag === undefined) return filters(scope, t);
  if (t !== scores) throw new Error('a tag filter reads raw scores only');
  return sql`${filters({ ...scope, tag: undefined }, t)} and exists (select 1 from ${traces} where ${traces.workspaceId} = ${scores.workspaceId}
    and ${traces.timestamp} = ${scores.traceTimestamp} and ${traces.id} = ${scores.traceRowId}
    and ${traces.tags} @> ${JSON.stringify([scope.tag])}::jsonb)`;
}

/** Raw `scores` rows of the scope, each in the window of its trace's timestamp (docs/API_SPEC.md §10). */
export function scoresIn(scope: Scope, window: TimeWindow): SQL {
  return sql`${scoreFilters(scope, scores)} and (${within(scores.traceTimestamp, [window])})`;
}

/**
 * The raw `scores` parts of a plan: its raw segments, and each edge when the rest of its hour
 * holds scores (else rollupSources reads the edge's hour from the score rollups).
 */
function rawScoreSources(scope: Scope, plan: WindowPlan): Array<Omit<Part<typeof scores>, 'table'>> {
  return [
    ...(plan.raw.length ? [{ segments: plan.raw, when: always }] : []),
    ...(plan.edge ? [{ segments: [plan.edge.edge], when: restHolds(scope, plan.edge, scores) }] : []),
  ];
}

/**
 * (bucket, name, agent_id, type, category, count, value_sum, last_written) — scores per group,
 * counted in the window of their trace's timestamp (docs/API_SPEC.md §10): raw `scores` for the
 * sub-hour edges, the score rollups for whole hours and days. `category` is '' for a
 * non-categorical score, `value_sum` numeric. Scores are written with their rollups in one
 * transaction, so there is no queue to add.
 */
export function scoreRows(scope: Scope, planned: WindowPlan, g: Granularity | null, name?: string): SQL {
  const plan = servedPlan(scope, planned);
  const named = (t: ScoreTable) => (name === undefined ? sql`true` : sql`${t.name} = ${name}`);
  const parts: SQL[] = [];
  for (const { segments, when } of rawScoreSources(scope, plan)) {
    const s = scores;
    parts.push(sql`select ${bucketOf(scope, g, s.traceTimestamp)} as bucket, ${s.name} as name, ${s.agentId} as agent_id, ${s.type} as type,
      coalesce(${s.categoricalValue}, '') as category, count(*)::bigint as count, coalesce(sum(${s.numericValue}::numeric), 0) as value_sum,
      max(${s.updatedAt}) as last_written
      from ${s} where ${scoreFilters(scope, s)} and ${named(s)} and (${within(s.traceTimestamp, segments)}) and ${when} group by 1, 2, 3, 4, 5`);
  }
  for (const { table: t, segments, when } of rollupSources(scope, plan, scoreStatsHourly, scoreStatsDaily, scores)) {
    parts.push(sql`select ${bucketOf(scope, g, t.bucket)} as bucket, ${t.name} as name, ${t.agentId} as agent_id, ${t.type} as type,
      ${t.category} as category, ${t.count} as count, ${t.valueSum} as value_sum, ${t.lastWritten} as last_written
      from ${t} where ${scoreFilters(scope, t)} and ${named(t)} and ${t.count} > 0 and (${within(t.bucket, segments)}) and ${when}`);
  }
  return unionAll(parts, sql`select null::timestamptz as bucket, null::text as name, null::text as agent_id, null::text as type,
    null::text as category, 0::bigint as count, 0::numeric as value_sum, null::timestamptz as last_written where false`);
}

/**
 * (bucket, name, agent_id, type, count, value_sum) of the scores of these names that decide
 * their call's value of the name (docs/API_SPEC.md §14, scores/decisions.ts), per group, from
 * the parts scoreRows reads: raw `scores` ranked for the sub-hour edges (a call's scores share
 * its timestamp, agent, model and tags, so an edge holds all of a call's scores of a name), the
 * rollups' decided columns for whole hours and days.
 */
export function decidedScoreRows(scope: Scope, planned: WindowPlan, g: Granularity | null, names: readonly string[]): SQL {
  const plan = servedPlan(scope, planned);
  // One array parameter, not a list: one statement text whatever the number of names (reads are prepared).
  const named = (t: ScoreTable) => sql`${t.name} = any(${arrayParam(names, 'text')})`;
  const parts: SQL[] = [];
  for (const { segments, when } of names.length ? rawScoreSources(scope, plan) : []) {
    const s = scores;
    const ranked = (column: AnyColumn) => sql`ranked.${bare(column)}`;
    parts.push(sql`select ${g ? timeBucket(scope.timescale, g, ranked(s.traceTimestamp)) : sql`null::timestamptz`} as bucket, ${ranked(s.name)} as name,
      ${ranked(s.agentId)} as agent_id, ${ranked(s.type)} as type, count(*)::bigint as count, coalesce(sum(${ranked(s.numericValue)}::numeric), 0) as value_sum
      from (select ${s}.*, ${decidingRank} as deciding from ${s} where ${scoreFilters(scope, s)} and ${named(s)} and (${within(s.traceTimestamp, segments)}) and ${when}) ranked
      where ranked.deciding = 1 group by 1, 2, 3, 4`);
  }
  if (names.length)
    for (const { table: t, segments, when } of rollupSources(scope, plan, scoreStatsHourly, scoreStatsDaily, scores)) {
      parts.push(sql`select ${bucketOf(scope, g, t.bucket)} as bucket, ${t.name} as name, ${t.agentId} as agent_id, ${t.type} as type,
        ${t.decidedCount} as count, ${t.decidedValueSum} as value_sum
        from ${t} where ${scoreFilters(scope, t)} and ${named(t)} and ${t.decidedCount} > 0 and (${within(t.bucket, segments)}) and ${when}`);
    }
  return unionAll(parts, sql`select null::timestamptz as bucket, null::text as name, null::text as agent_id, null::text as type,
    0::bigint as count, 0::numeric as value_sum where false`);
}

function unionAll(parts: SQL[], empty: SQL): SQL {
  if (parts.length === 0) return empty;
  return sql.join(
    parts.map((p) => sql`(${p})`),
    sql` union all `,
  );
}

import { bare, bareColumnsOf, bareList, columnsOf, keyColumnsOf, schema, timeBucket, valueColumnsOf, weekStart } from '@pulse/db';
import { LATENCY_HISTOGRAM } from '@pulse/shared';
import { type AnyColumn, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { dimRows, keptWeekly } from './dims.js';
import { addedFlagCounts, flagCountsOf, flaggedCount, summedFlagCounts } from './safety-sql.js';
import { rolledTags, tagPairs } from './tags.js';

const {
  rollupPending: queued,
  statsMinutely,
  statsHourly,
  statsDaily,
  statsByTagHourly,
  statsByTagDaily,
  tagPairStatsHourly,
  tagPairStatsDaily,
  userStatsHourly,
  userStatsDaily,
  userStatsWeekly,
  userLastCalls,
  latencyHistHourly,
  latencyHistDaily,
  errorStatsHourly,
  errorStatsDaily,
  errorStatsByTagHourly,
  errorStatsByTagDaily,
} = schema;
type StatsTable = typeof statsHourly;
type StatsByTagTable = typeof statsByTagHourly;
type TagPairStatsTable = typeof tagPairStatsHourly;
type UserStatsTable = typeof userStatsHourly;
type LatencyHistTable = typeof latencyHistHourly;
/** The error rollups: per (bucket, type, agent, model), and the same per tag besides. */
type ErrorStatsTable = typeof errorStatsHourly | typeof errorStatsByTagHourly;

/** The histogram bin of a latency column, as the shared LATENCY_HISTOGRAM defines it. */
export function latencyBinSql(column: AnyColumn | SQL): SQL {
  const { minMs, ratio } = LATENCY_HISTOGRAM;
  return sql`(case when ${column} < ${sql.raw(String(minMs))} then 0
    else floor(ln(${column} / ${sql.raw(String(minMs))}) / ln(${sql.raw(String(ratio))}))::int + 1 end)`;
}

/** How many of a group's traces no price applied to (docs/API_SPEC.md §9). */
export function unpricedCount(costSource: AnyColumn | SQL): SQL {
  return sql`count(*) filter (where ${costSource} = 'unpriced')`;
}

/**
 * How a value column of a rollup combines: `merge` adds a new row into a stored one (ON
 * CONFLICT, stored row `r`), `combine` sums a group of rows (hourly rows into a day).
 */
interface Combiner {
  merge(column: SQL): SQL;
  combine(column: SQL): SQL;
}
const summed: Combiner = { merge: (c) => sql`r.${c} + excluded.${c}`, combine: (c) => sql`sum(${c})` };
const latest: Combiner = { merge: (c) => sql`greatest(r.${c}, excluded.${c})`, combine: (c) => sql`max(${c})` };
/** `flag_counts`: summed element by element. */
const summedPerType: Combiner = { merge: (c) => addedFlagCounts(sql`r.${c}`, sql`excluded.${c}`), combine: (c) => summedFlagCounts(c) };

/**
 * The latest error's message wins; at equal times the greater message (a null message loses),
 * the same order the analytics queries use to pick sample_message.
 */
function latestMessage(t: ErrorStatsTable): Combiner {
  const [seen, message] = [bare(t.lastSeen), bare(t.lastMessage)];
  return {
    merge: () => sql`case when (excluded.${seen} > r.${seen} or (excluded.${seen} = r.${seen} and excluded.${message} is not null
      and (r.${message} is null or excluded.${message} > r.${message}))) then excluded.${message} else r.${message} end`,
    combine: () => sql`(array_agg(${message} order by ${seen} desc, ${message} desc nulls last))[1]`,
  };
}

/** A combiner per value column (every one: rollup() refuses a table with a column left out). */
type Combiners<T extends PgTable> = Partial<Record<keyof T['_']['columns'], Combiner>>;

/** The stats rollups' figures, the same in stats_* and stats_by_tag_*. */
const statsCombiners: Combiners<StatsTable> & Combiners<StatsByTagTable> = {
  calls: summed,
  errors: summed,
  inputTokens: summed,
  outputTokens: summed,
  costNanos: summed,
  latencySumMs: summed,
  unpricedCalls: summed,
  flaggedCalls: summed,
  flagCounts: summedPerType,
};
const tagPairCombiners: Combiners<TagPairStatsTable> = { calls: summed, costNanos: summed };
const userCombiners: Combiners<UserStatsTable> = { calls: summed, costNanos: summed, tokens: summed, lastSeen: latest };
const errorCombiners = <T extends ErrorStatsTable>(t: T): Combiners<T> =>
  ({ count: summed, lastSeen: latest, lastMessage: latestMessage(t) }) as Combiners<T>;

/**
 * A rollup whose rows are (key columns, value columns) with a combiner per value column:
 * `upsert` stores rows of its full column list in key order, `hoursOf` sums the minute rows of
 * a CTE with the same columns into hourly rows, `daysOf` hourly rows into daily ones, `weeksOf`
 * hourly or daily rows into weekly ones.
 */
function rollup<T extends StatsTable | StatsByTagTable | TagPairStatsTable | UserStatsTable | ErrorStatsTable>(table: T, combiners: Combiners<T>) {
  const byColumn = new Map<PgColumn, Combiner>(
    Object.entries(combiners).map(([key, combiner]) => [(table as unknown as Record<string, PgColumn>)[key]!, combiner as Combiner]),
  );
  const columns = columnsOf(table);
  const keys = keyColumnsOf(table);
  const uncombined = valueColumnsOf(table).filter((c) => !byColumn.has(c));
  if (uncombined.length || keys.some((k) => byColumn.has(k))) {
    throw new Error(`${getTableName(table)}: every value column needs one combiner, key columns none`);
  }
  const keyPositions = sql.raw(keys.map((k) => columns.indexOf(k) + 1).join(', '));
  const coarsened = (grain: 'hour' | 'day' | 'week', finer: SQL) => sql`select ${sql.join(
    columns.map((column) => {
      const combiner = byColumn.get(column);
      if (combiner) return combiner.combine(bare(column));
      return column === table.bucket ? timeBucket(false, grain, bare(column)) : bare(column);
    }),
    sql`, `,
  )} from ${finer} group by ${keyPositions}`;
  return {
    upsert: (rows: SQL) => sql`insert into ${table} as r (${bareList(columns)})
      select * from (${rows}) as incoming ${inKeyOrder(keyPositions)}
      on conflict (${bareList(keys)}) do update set
      ${sql.join(
        [...byColumn].map(([column, c]) => sql`${bare(column)} = ${c.merge(bare(column))}`),
        sql`, `,
      )}`,
    hoursOf: (minutes: SQL) => coarsened('hour', minutes),
    daysOf: (hourly: SQL) => coarsened('day', hourly),
    weeksOf: (finer: SQL) => coarsened('week', finer),
    columns: bareList(columns),
  };
}

const stats = { minutely: rollup(statsMinutely, statsCombiners), hourly: rollup(statsHourly, statsCombiners), daily: rollup(statsDaily, statsCombiners) };
const statsByTag = { hourly: rollup(statsByTagHourly, statsCombiners), daily: rollup(statsByTagDaily, statsCombiners) };
const tagPairStats = { hourly: rollup(tagPairStatsHourly, tagPairCombiners), daily: rollup(tagPairStatsDaily, tagPairCombiners) };
const users = { hourly: rollup(userStatsHourly, userCombiners), daily: rollup(userStatsDaily, userCombiners), weekly: rollup(userStatsWeekly, userCombiners) };
/** The rows of the dims the weekly per-user rollup keeps (rollups/dims.ts). */
const ofWeeklyDims = (rows: SQL) => sql`(select * from ${rows} where ${keptWeekly(bare(userStatsWeekly.dim))}) weekly_dims`;
/** The rows of the dim of all calls (user_last_calls keeps each user's latest call of all). */
const ofAllCalls = (rows: SQL) => sql`(select * from ${rows} where ${bare(userStatsWeekly.dim)} = '') all_calls`;
const errors = { hourly: rollup(errorStatsHourly, errorCombiners(errorStatsHourly)), daily: rollup(errorStatsDaily, errorCombiners(errorStatsDaily)) };
const errorsByTag = {
  hourly: rollup(errorStatsByTagHourly, errorCombiners(errorStatsByTagHourly)),
  daily: rollup(errorStatsByTagDaily, errorCombiners(errorStatsByTagDaily)),
};

/**
 * Rows are upserted in the order of the rollup's key. Two writers of one rollup then lock its
 * rows in the same order and cannot deadlock, should anything ever write it beside the fold
 * (serialized by an advisory lock today). And rows stored side by side are read from a few
 * pages instead of one page each: a query reads one (dim, bucket) range of users, 3× faster
 * at 5,000 users on the 30-day top-users query.
 */
function inKeyOrder(keyPositions: SQL): SQL {
  return sql`order by ${keyPositions}`;
}

/** The columns of `taken` and `new_rows`: those of rollup_pending. */
const q = bareColumnsOf(queued);

/**
 * CTEs that fold the traces of `taken` (rows just removed from rollup_pending, with its
 * columns) into every rollup. The traces are grouped once per hour, into CTEs with the hourly
 * tables' columns; the daily rollups are summed from those hourly groups, not from the traces
 * again. The stats are grouped per minute first (stats_minutely), and their hourly rows summed
 * from those minute groups in turn. Every upsert writes its rows in key order (see inKeyOrder).
 */
export function rollupCtes(): SQL {
  const [s, st, tp, u, l, e, et] = [statsHourly, statsByTagHourly, tagPairStatsHourly, userStatsHourly, latencyHistHourly, errorStatsHourly, errorStatsByTagHourly];
  const dims = dimRows(q.agentId, q.model, q.tags);
  // The value columns both stats rollups hold (sm, th), and both error rollups (eh, eth), under the same names.
  const statsValues = sql`count(*) as ${bare(s.calls)}, sum(${q.isError}) as ${bare(s.errors)},
           sum(${q.inputTokens}) as ${bare(s.inputTokens)}, sum(${q.outputTokens}) as ${bare(s.outputTokens)},
           sum(${q.costNanos}) as ${bare(s.costNanos)}, sum(${q.latencyMs}) as ${bare(s.latencySumMs)},
           ${unpricedCount(q.costSource)} as ${bare(s.unpricedCalls)}, ${flaggedCount(q.safetyFlags)} as ${bare(s.flaggedCalls)},
           ${flagCountsOf(q.safetyFlags)} as ${bare(s.flagCounts)}`;
  const errorValues = sql`count(*) as ${bare(e.count)}, max(${q.timestamp}) as ${bare(e.lastSeen)},
           (array_agg(${q.errorMessage} order by ${q.timestamp} desc, ${q.errorMessage} desc nulls last))[1] as ${bare(e.lastMessage)}`;
  return sql`
  -- Buckets are date_bin on the UTC origin (timeBucket without TimescaleDB): the same
  -- boundaries the analytics read back whatever the session time zone.
  new_rows as (
    select taken.*, ${latencyBinSql(q.latencyMs)} as bin, ${timeBucket(false, 'hour', q.timestamp)} as hour
    from taken),
  sm as (
    select ${q.workspaceId} as ${bare(s.workspaceId)}, ${timeBucket(false, 'minute', q.timestamp)} as ${bare(s.bucket)}, ${q.agentId} as ${bare(s.agentId)},
           ${q.model} as ${bare(s.model)}, ${statsValues}
    from new_rows group by 1, 2, 3, 4),
  sh (${stats.hourly.columns}) as (${stats.hourly.hoursOf(sql`sm`)}),
  -- A call once under each of its tags (or under '' without tags): see rollups/tags.ts.
  th as (
    select ${q.workspaceId} as ${bare(st.workspaceId)}, hour as ${bare(st.bucket)}, c.tag as ${bare(st.tag)}, ${q.agentId} as ${bare(st.agentId)},
           ${q.model} as ${bare(st.model)}, ${statsValues}
    from new_rows cross join lateral ${rolledTags(q.tags)} as c(tag) group by 1, 2, 3, 4, 5),
  -- A call once under each ordered pair of two of its tags: see rollups/tags.ts.
  ph as (
    select ${q.workspaceId} as ${bare(tp.workspaceId)}, hour as ${bare(tp.bucket)}, p.tag as ${bare(tp.tag)}, p.other_tag as ${bare(tp.otherTag)},
           count(*) as ${bare(tp.calls)}, sum(${q.costNanos}) as ${bare(tp.costNanos)}
    from new_rows cross join lateral (${tagPairs(q.tags)}) as p group by 1, 2, 3, 4),
  uh as (
    select ${q.workspaceId} as ${bare(u.workspaceId)}, d.dim as ${bare(u.dim)}, hour as ${bare(u.bucket)}, ${q.userId} as ${bare(u.userId)},
           count(*) as ${bare(u.calls)}, sum(${q.costNanos}) as ${bare(u.costNanos)},
           sum(${q.inputTokens}::bigint + ${q.outputTokens}) as ${bare(u.tokens)}, max(${q.timestamp}) as ${bare(u.lastSeen)}
    from new_rows cross join lateral (${dims}) as d(dim) where ${q.userId} is not null group by 1, 2, 3, 4),
  lh as (
    select ${q.workspaceId} as ${bare(l.workspaceId)}, d.dim as ${bare(l.dim)}, hour as ${bare(l.bucket)}, bin, count(*) as n
    from new_rows cross join lateral (${dims}) as d(dim) group by 1, 2, 3, 4),
  eh as (
    select ${q.workspaceId} as ${bare(e.workspaceId)}, hour as ${bare(e.bucket)}, ${q.errorType} as ${bare(e.errorType)},
           ${q.agentId} as ${bare(e.agentId)}, ${q.model} as ${bare(e.model)}, ${errorValues}
    from new_rows where ${q.isError} = 1 group by 1, 2, 3, 4, 5),
  -- The same per tag (rollups/tags.ts), as th is sh per tag.
  eth as (
    select ${q.workspaceId} as ${bare(et.workspaceId)}, hour as ${bare(et.bucket)}, c.tag as ${bare(et.tag)}, ${q.errorType} as ${bare(et.errorType)},
           ${q.agentId} as ${bare(et.agentId)}, ${q.model} as ${bare(et.model)}, ${errorValues}
    from new_rows cross join lateral ${rolledTags(q.tags)} as c(tag) where ${q.isError} = 1 group by 1, 2, 3, 4, 5, 6),
  s_minutely as (${stats.minutely.upsert(sql`select ${stats.minutely.columns} from sm`)}),
  s_hourly as (${stats.hourly.upsert(sql`select ${stats.hourly.columns} from sh`)}),
  s_daily as (${stats.daily.upsert(stats.daily.daysOf(sql`sh`))}),
  t_hourly as (${statsByTag.hourly.upsert(sql`select ${statsByTag.hourly.columns} from th`)}),
  t_daily as (${statsByTag.daily.upsert(statsByTag.daily.daysOf(sql`th`))}),
  p_hourly as (${tagPairStats.hourly.upsert(sql`select ${tagPairStats.hourly.columns} from ph`)}),
  p_daily as (${tagPairStats.daily.upsert(tagPairStats.daily.daysOf(sql`ph`))}),
  u_hourly as (${users.hourly.upsert(sql`select ${users.hourly.columns} from uh`)}),
  u_daily as (${users.daily.upsert(users.daily.daysOf(sql`uh`))}),
  u_weekly as (${users.weekly.upsert(users.weekly.weeksOf(ofWeeklyDims(sql`uh`)))}),
  u_last as (${upsertLastCalls(ofAllCalls(sql`uh`))}),
  l_hourly as (${upsertHistograms(latencyHistHourly, sql`select * from lh`)}),
  l_daily as (${upsertHistograms(
    latencyHistDaily,
    sql`select ${bare(l.workspaceId)}, ${bare(l.dim)}, ${timeBucket(false, 'day', bare(l.bucket))}, bin, sum(n) as n from lh group by 1, 2, 3, 4`,
  )}),
  e_hourly as (${errors.hourly.upsert(sql`select ${errors.hourly.columns} from eh`)}),
  e_daily as (${errors.daily.upsert(errors.daily.daysOf(sql`eh`))}),
  et_hourly as (${errorsByTag.hourly.upsert(sql`select ${errorsByTag.hourly.columns} from eth`)}),
  et_daily as (${errorsByTag.daily.upsert(errorsByTag.daily.daysOf(sql`eth`))})`;
}

/** Each user's latest call of the per-user rows `rows` (user_last_calls), moved on only when later. */
function upsertLastCalls(rows: SQL): SQL {
  const [u, last] = [userStatsHourly, bare(userLastCalls.lastCall)];
  return sql`insert into ${userLastCalls} as r (${bareList(columnsOf(userLastCalls))})
    select ${bare(u.workspaceId)}, ${bare(u.userId)}, max(${bare(u.lastSeen)}) from ${rows} group by 1, 2 ${inKeyOrder(sql`1, 2`)}
    on conflict (${bareList(keyColumnsOf(userLastCalls))}) do update set ${last} = excluded.${last} where r.${last} < excluded.${last}`;
}

/**
 * `rows`: (workspace, dim, bucket, bin, n), one row per bin, gathered into one row per
 * bucket; a stored bucket's bins are merged with the new ones.
 */
function upsertHistograms(t: LatencyHistTable, rows: SQL): SQL {
  const [bins, counts] = [bare(t.bins), bare(t.counts)];
  return sql`insert into ${t} as r (${bareList(columnsOf(t))})
    select ${bare(t.workspaceId)}, ${bare(t.dim)}, ${bare(t.bucket)}, array_agg(bin order by bin), array_agg(n order by bin)
    from (${rows}) h (${bare(t.workspaceId)}, ${bare(t.dim)}, ${bare(t.bucket)}, bin, n) group by 1, 2, 3 ${inKeyOrder(sql`1, 2, 3`)}
    on conflict (${bareList(keyColumnsOf(t))}) do update set (${bins}, ${counts}) = (
      select array_agg(b order by b), array_agg(n order by b)
      from (select b, sum(n)::bigint as n from (
              select * from unnest(r.${bins}, r.${counts}) as old(b, n)
              union all select * from unnest(excluded.${bins}, excluded.${counts}) as new(b, n)) u
            group by b) merged)`;
}

/**
 * Statements, run in order in one transaction under the fold lock, that take every trace of
 * `workspaceId` before `cutoff` out of the rollups once retention deleted it from `traces`
 * (docs/API_SPEC.md §6). Whole hours, days and weeks before the cutoff lose their rows. The
 * hour (with its minutes), the day and the week holding the cutoff are rebuilt exactly: the hour from the raw traces
 * it keeps (its queued ones leave the queue, folded now), the day from its remaining hourly rows,
 * the week from its remaining daily ones, with the rebuilt hour folded in last. No trace is
 * counted twice or left out.
 */
export function expireRollupsSql(workspaceId: string, cutoff: Date): SQL[] {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const hour = new Date(Math.floor(cutoff.getTime() / HOUR) * HOUR);
  const hourEnd = new Date(hour.getTime() + HOUR);
  const day = new Date(Math.floor(cutoff.getTime() / DAY) * DAY);
  const dayEnd = new Date(day.getTime() + DAY);
  const week = new Date(weekStart(cutoff.getTime()));
  const weekEnd = new Date(week.getTime() + 7 * DAY);
  const partialHour = cutoff.getTime() > hour.getTime();
  const partialDay = cutoff.getTime() > day.getTime();
  const partialWeek = cutoff.getTime() > week.getTime();
  const ws = sql`${workspaceId}::uuid`;
  const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
  const pairs = [
    [statsHourly, statsDaily],
    [statsByTagHourly, statsByTagDaily],
    [tagPairStatsHourly, tagPairStatsDaily],
    [userStatsHourly, userStatsDaily],
    [latencyHistHourly, latencyHistDaily],
    [errorStatsHourly, errorStatsDaily],
    [errorStatsByTagHourly, errorStatsByTagDaily],
  ] as const;
  const statements: SQL[] = [
    // Queued traces before the cutoff are gone; those of the cutoff's hour are folded below.
    sql`delete from ${queued} where ${queued.workspaceId} = ${ws} and ${queued.timestamp} < ${at(partialHour ? hourEnd : hour)}`,
  ];
  // The minutes of the cutoff's hour go with it: the hour's refold below rebuilds those it keeps.
  for (const finer of [statsMinutely, ...pairs.map(([hourly]) => hourly)]) {
    statements.push(sql`delete from ${finer} where ${finer.workspaceId} = ${ws} and ${finer.bucket} < ${at(partialHour ? hourEnd : hour)}`);
  }
  for (const [, daily] of pairs) {
    statements.push(sql`delete from ${daily} where ${daily.workspaceId} = ${ws} and ${daily.bucket} < ${at(partialDay ? dayEnd : day)}`);
  }
  statements.push(sql`delete from ${userStatsWeekly} where ${userStatsWeekly.workspaceId} = ${ws} and ${userStatsWeekly.bucket} < ${at(partialWeek ? weekEnd : week)}`);
  // A user whose latest call is before the cutoff has no call left.
  statements.push(sql`delete from ${userLastCalls} where ${userLastCalls.workspaceId} = ${ws} and ${userLastCalls.lastCall} < ${at(cutoff)}`);
  const rowsIn = (t: PgTable & { workspaceId: AnyColumn; bucket: AnyColumn }, from: Date, to: Date) =>
    sql`(select * from ${t} where ${t.workspaceId} = ${ws} and ${t.bucket} >= ${at(from)} and ${t.bucket} < ${at(to)}) h`;
  if (partialDay) {
    const hoursOf = (t: PgTable & { workspaceId: AnyColumn; bucket: AnyColumn }) => rowsIn(t, day, dayEnd);
    statements.push(stats.daily.upsert(stats.daily.daysOf(hoursOf(statsHourly))));
    statements.push(statsByTag.daily.upsert(statsByTag.daily.daysOf(hoursOf(statsByTagHourly))));
    statements.push(tagPairStats.daily.upsert(tagPairStats.daily.daysOf(hoursOf(tagPairStatsHourly))));
    statements.push(users.daily.upsert(users.daily.daysOf(hoursOf(userStatsHourly))));
    statements.push(errors.daily.upsert(errors.daily.daysOf(hoursOf(errorStatsHourly))));
    statements.push(errorsByTag.daily.upsert(errorsByTag.daily.daysOf(hoursOf(errorStatsByTagHourly))));
    const l = latencyHistHourly;
    statements.push(
      upsertHistograms(
        latencyHistDaily,
        sql`select ${bare(l.workspaceId)}, ${bare(l.dim)}, ${timeBucket(false, 'day', bare(l.bucket))}, bin, sum(n) as n
            from ${hoursOf(l)} cross join lateral unnest(${bare(l.bins)}, ${bare(l.counts)}) as u(bin, n) group by 1, 2, 3, 4`,
      ),
    );
  }
  // The cutoff's week from its remaining (and just rebuilt) days; the rebuilt hour is folded in last.
  if (partialWeek) statements.push(users.weekly.upsert(users.weekly.weeksOf(ofWeeklyDims(rowsIn(userStatsDaily, week, weekEnd)))));
  if (partialHour) {
    const { traces } = schema;
    const kept = columnsOf(queued).map((c) => bare(c));
    statements.push(sql`with taken as (
        select ${sql.join(kept, sql`, `)} from ${traces}
        where ${traces.workspaceId} = ${ws} and ${traces.timestamp} >= ${at(cutoff)} and ${traces.timestamp} < ${at(hourEnd)}),
      ${rollupCtes()}
      select count(*)::int as folded from taken`);
  }
  return statements;
}

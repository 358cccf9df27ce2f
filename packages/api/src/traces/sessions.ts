import { arrayParam, schema } from '@pulse/db';
import { type PageCursor, SESSION_NAMES_SHOWN, type SessionItem, usdFromNanos } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../analytics/context.js';
import { instant, nanos, num } from '../analytics/decode.js';
import { iso } from '../analytics/window.js';
import { currentCost } from '../prices/pending-repricing.js';
import type { Page } from './page-answer.js';
import { traceConditions, type TraceQuery } from './trace-query.js';

const { traces } = schema;

const sessionRow = z.object({
  session_id: z.string(),
  first_seen: instant,
  last_seen: instant,
  calls: num,
  errors: num,
  cost_nanos: nanos,
  tokens: num,
});

const nameRow = z.object({ session_id: z.string(), kind: z.enum(['agent', 'user']), name: z.string() });

const sessionOrder = sql`${traces.sessionId} collate "C"`;

/** A row of a walk: its calls and oldest call, and one of its sessions (none: all null). */
const walkedRow = z.looseObject({ walked_calls: num, walked_oldest: z.union([instant, z.null()]), session_id: z.string().nullable() });

/** The first walk reads this many calls a page row; each further walk this many times more. */
const WALK_PER_ROW = 8;
const WALK_GROWTH = 8;
/** A walk that would read more calls than this reads the whole window instead. */
const WALK_MAX = 50_000;

/**
 * One page of the sessions with calls in the window (docs/API_SPEC.md §8): newest last_seen
 * first, then session_id descending, every figure over the window's matching calls only.
 * Keyset pagination on (last_seen, session_id), as the trace list.
 *
 * A page of the most recently active sessions is found among the newest calls, not by
 * grouping every call of the window (at 10 M calls that grouped 330 k calls of a day per page,
 * 1-1.7 s when they are not all in shared buffers): the newest calls at or before the cursor
 * are walked backwards (an index range, a few hundred calls) and only their sessions are
 * summed over the window (the session index), in one statement. Every session whose last call
 * is newer than the oldest call walked has a call in the walk, so the sessions that rank above
 * that edge are all there; when the page's last one is newer than the edge the page is exact,
 * else the walk reads more, and past WALK_MAX calls the window's calls are grouped as a whole.
 */
export async function sessionPage(q: TraceQuery, after: PageCursor | undefined, limit: number): Promise<Page<SessionItem>> {
  const found = await sessionsAfter(q, after, limit);
  const page = found.slice(0, limit);
  const names = await namesOf(q, page.map((s) => s.session_id));
  const items = page.map(
    (s): SessionItem => ({
      session_id: s.session_id,
      first_seen: iso(s.first_seen),
      last_seen: iso(s.last_seen),
      calls: s.calls,
      errors: s.errors,
      cost_usd: usdFromNanos(s.cost_nanos),
      total_tokens: s.tokens,
      agents: names.get(`agent:${s.session_id}`) ?? [],
      users: names.get(`user:${s.session_id}`) ?? [],
    }),
  );
  const last = page.at(-1);
  const more = found.length > limit && last !== undefined;
  return { items, next: more ? { at: last.last_seen, name: last.session_id, from: q.window.from, to: q.window.to } : null };
}

/** The first `limit + 1` sessions after the cursor, exactly, from walks of growing length. */
async function sessionsAfter(q: TraceQuery, after: PageCursor | undefined, limit: number) {
  for (let walk = (limit + 1) * WALK_PER_ROW; walk <= WALK_MAX; walk *= WALK_GROWTH) {
    const { calls, oldest, sessions } = await walkedSessions(q, after, limit, walk);
    const pageEnd = sessions[limit - 1];
    if (calls < walk || (sessions.length > limit && pageEnd !== undefined && oldest !== null && pageEnd.last_seen > oldest)) return sessions;
  }
  return rows(q, summed(q, after, limit, sql``), sessionRow);
}

/**
 * In one statement, so one snapshot: the window's newest `walk` matching calls at or before the
 * cursor — how many (fewer than `walk`: every one of the window) and the oldest one's time — and
 * the first `limit + 1` of their sessions after the cursor, summed over the window. The walked
 * sessions are one array the session index is probed with.
 */
async function walkedSessions(q: TraceQuery, after: PageCursor | undefined, limit: number, walk: number) {
  const atOrBefore = after ? sql` and ${traces.timestamp} <= ${iso(after.at)}::timestamptz` : sql``;
  const found = await rows(
    q,
    sql`with walked as (
          select ${traces.sessionId} as session_id, ${traces.timestamp} as "timestamp" from ${traces}
          where ${traceConditions(q)} and ${traces.sessionId} is not null${atOrBefore}
          order by ${traces.timestamp} desc limit ${walk})
        select w.walked_calls, w.walked_oldest, s.* from (select count(*) as walked_calls, min("timestamp") as walked_oldest from walked) w
        left join (${summed(q, after, limit, sql` and ${traces.sessionId} = any(array(select distinct session_id from walked))`)}) s on true
        order by s.last_seen desc, s.session_id collate "C" desc`,
    walkedRow,
  );
  const [first] = found;
  return {
    calls: first?.walked_calls ?? 0,
    oldest: first?.walked_oldest ?? null,
    sessions: found.flatMap(({ walked_calls: _calls, walked_oldest: _oldest, ...row }) => (row.session_id === null ? [] : [sessionRow.parse(row)])),
  };
}

/** The first `limit + 1` sessions after the cursor, summed over the window's matching calls (of those `named` picks). */
function summed(q: TraceQuery, after: PageCursor | undefined, limit: number, named: SQL): SQL {
  const where = sql`${traceConditions(q)} and ${traces.sessionId} is not null${named}`;
  const keyset = after ? sql` having (max(${traces.timestamp}), ${sessionOrder}) < (${iso(after.at)}::timestamptz, ${after.name} collate "C")` : sql``;
  return sql`select ${traces.sessionId} as session_id, min(${traces.timestamp}) as first_seen, max(${traces.timestamp}) as last_seen,
      count(*)::bigint as calls, sum(${traces.isError})::bigint as errors, sum(${currentCost(traces, q.repricing).cost})::text as cost_nanos,
      sum(${traces.inputTokens}::bigint + ${traces.outputTokens})::text as tokens
    from ${traces} where ${where} group by ${traces.sessionId}${keyset}
    order by max(${traces.timestamp}) desc, ${sessionOrder} desc limit ${limit + 1}`;
}

/** Each session's agents and named users, most calls first, then name; at most SESSION_NAMES_SHOWN of each. */
async function namesOf(q: TraceQuery, sessionIds: string[]): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  if (sessionIds.length === 0) return names;
  // One array parameter: one statement text whatever the page's length (reads are prepared).
  const where = sql`${traceConditions(q)} and ${traces.sessionId} = any(${arrayParam(sessionIds, 'text')})`;
  const ranked = await rows(
    q,
    sql`select session_id, kind, name from (
          select session_id, kind, name, row_number() over (partition by session_id, kind order by n desc, name collate "C") as rank
          from (select ${traces.sessionId} as session_id, 'agent' as kind, ${traces.agentId} as name, count(*) as n from ${traces} where ${where} group by 1, 3
                union all
                select ${traces.sessionId}, 'user', ${traces.userId}, count(*) from ${traces} where ${where} and ${traces.userId} is not null group by 1, 3) counted
        ) ranked where rank <= ${SESSION_NAMES_SHOWN} order by session_id, kind, rank`,
    nameRow,
  );
  for (const r of ranked) {
    const key = `${r.kind}:${r.session_id}`;
    names.set(key, [...(names.get(key) ?? []), r.name]);
  }
  return names;
}

/**
 * Correctness cross-check: the baseline's key figures against Pulse's answer for the same
 * endpoint and window. Counts, sums and distinct counts must be equal; money is compared as
 * nano-dollars converted the way the server converts them (exact); percentiles within the
 * 1 % relative error docs/API_SPEC.md allows. Returns the mismatches (at most a few per check).
 */
import { usdFromNanos as usdFromBigintNanos } from '@pulse/shared';
/** The baseline's nano-dollar sums arrive as numeric text. */
const usdFromNanos = (nanos: unknown) => usdFromBigintNanos(BigInt(String(nanos)));
import type { Endpoint } from './endpoints.js';

type Row = Record<string, unknown>;
type Answer = Record<string, unknown>;

const MAX_REPORTED = 5;

class Checker {
  readonly problems: string[] = [];
  private extra = 0;
  fail(message: string): void {
    if (this.problems.length < MAX_REPORTED) this.problems.push(message);
    else this.extra++;
  }
  equal(what: string, pulse: unknown, baseline: unknown): void {
    if (pulse !== baseline) this.fail(`${what}: Pulse ${JSON.stringify(pulse)}, baseline ${JSON.stringify(baseline)}`);
  }
  money(what: string, pulseUsd: unknown, baselineNanos: unknown): void {
    this.equal(`${what} (USD from nano-dollars)`, pulseUsd, usdFromNanos(baselineNanos));
  }
  /** percentile_cont figures: docs/API_SPEC.md allows 1 % relative error. */
  close(what: string, pulse: unknown, baseline: unknown): void {
    if (pulse === null && baseline === null) return;
    const p = Number(pulse);
    const b = Number(baseline);
    if (pulse === null || baseline === null || !(Math.abs(p - b) <= 0.01 * Math.abs(b) + 1e-9)) {
      this.fail(`${what}: Pulse ${JSON.stringify(pulse)}, baseline ${JSON.stringify(baseline)} (> 1 %)`);
    }
  }
  result(): string[] {
    return this.extra ? [...this.problems, `… and ${this.extra} more`] : this.problems;
  }
}

const ms = (iso: unknown) => Date.parse(String(iso));

/** Series points by bucket start; a bucket the baseline has no row for must be empty in Pulse. */
function checkSeries(
  c: Checker,
  answer: Answer,
  rows: Row[],
  compare: (c: Checker, at: string, point: Answer, row: Row) => void,
  isEmpty: (point: Answer) => boolean,
): void {
  const points = new Map((answer.data as Answer[]).map((p) => [ms(p.timestamp), p]));
  const seen = new Set<number>();
  for (const row of rows) {
    const at = ms(row.bucket);
    const point = points.get(at);
    if (!point) {
      c.fail(`bucket ${String(row.bucket)}: missing in Pulse's series`);
      continue;
    }
    seen.add(at);
    compare(c, String(row.bucket), point, row);
  }
  for (const [at, point] of points) {
    if (!seen.has(at) && !isEmpty(point)) c.fail(`bucket ${new Date(at).toISOString()}: Pulse has figures, the baseline has no traces`);
  }
}

function checkList(c: Checker, what: string, pulse: Answer[], rows: Row[], compare: (c: Checker, i: number, p: Answer, r: Row) => void): void {
  c.equal(`${what}: number of rows`, pulse.length, rows.length);
  for (let i = 0; i < Math.min(pulse.length, rows.length); i++) compare(c, i, pulse[i]!, rows[i]!);
}

export function crossCheck(endpoint: Endpoint, answer: Answer, rows: Row[]): string[] {
  const c = new Checker();
  const one = rows[0] ?? {};
  switch (endpoint) {
    case '/usage/overview': {
      const prev = answer.previous as Answer;
      c.equal('total_calls', answer.total_calls, one.calls);
      c.equal('unique_users', answer.unique_users, one.users);
      c.equal('active_agents', answer.active_agents, one.agents);
      c.equal('previous.total_calls', prev.total_calls, one.prev_calls);
      c.equal('previous.unique_users', prev.unique_users, one.prev_users);
      c.equal('previous.active_agents', prev.active_agents, one.prev_agents);
      break;
    }
    case '/usage/calls-over-time':
      checkSeries(c, answer, rows, (c, at, p, r) => c.equal(`${at} calls`, p.calls, r.calls), (p) => p.calls === 0);
      break;
    case '/usage/agent-distribution':
      c.equal('total_calls', answer.total_calls, rows.reduce((s, r) => s + Number(r.calls), 0));
      checkList(c, 'agents', answer.data as Answer[], rows, (c, i, p, r) => {
        c.equal(`agent #${i + 1}`, p.agent_id, r.agent_id);
        c.equal(`${String(r.agent_id)} calls`, p.calls, r.calls);
      });
      break;
    case '/usage/top-users':
      checkList(c, 'users', answer.data as Answer[], rows, (c, i, p, r) => {
        c.equal(`user #${i + 1}`, p.user_id, r.user_id);
        c.equal(`${String(r.user_id)} calls`, p.calls, r.calls);
        c.money(`${String(r.user_id)} cost_usd`, p.cost_usd, r.cost);
        c.equal(`${String(r.user_id)} total_tokens`, p.total_tokens, Number(r.tokens));
        c.equal(`${String(r.user_id)} last_seen`, ms(p.last_seen), ms(r.last_seen));
      });
      break;
    case '/cost/overview':
      c.money('total_cost_usd', answer.total_cost_usd, one.cost);
      c.money('month_to_date_usd', answer.month_to_date_usd, one.month_to_date);
      c.equal('budget_usd', answer.budget_usd, one.budget === null ? null : usdFromNanos(one.budget));
      break;
    case '/cost/trend': {
      const byBucket = new Map<string, Row[]>();
      for (const r of rows) byBucket.set(String(r.bucket), [...(byBucket.get(String(r.bucket)) ?? []), r]);
      const bucketRows = [...byBucket].map(([bucket, models]) => ({ bucket, models }));
      checkSeries(
        c,
        answer,
        bucketRows,
        (c, at, p, r) => {
          const models = r.models as Row[];
          c.money(`${at} total_cost_usd`, p.total_cost_usd, models.reduce((s, m) => s + BigInt(String(m.cost)), 0n).toString());
          const byModel = p.by_model as Record<string, number>;
          for (const m of models) c.money(`${at} by_model.${String(m.model)}`, byModel[String(m.model)] ?? null, m.cost);
        },
        (p) => p.total_cost_usd === 0,
      );
      break;
    }
    case '/cost/by-model':
      c.money('total_cost_usd', answer.total_cost_usd, rows.reduce((s, r) => s + BigInt(String(r.cost)), 0n).toString());
      checkList(c, 'models', answer.data as Answer[], rows, (c, i, p, r) => {
        c.equal(`model #${i + 1}`, p.model, r.model);
        c.money(`${String(r.model)} cost_usd`, p.cost_usd, r.cost);
        c.equal(`${String(r.model)} calls`, p.calls, r.calls);
        c.equal(`${String(r.model)} input_tokens`, p.input_tokens, Number(r.input_tokens));
        c.equal(`${String(r.model)} output_tokens`, p.output_tokens, Number(r.output_tokens));
      });
      break;
    case '/cost/by-tag': {
      c.money('total_cost_usd', answer.total_cost_usd, one.total ?? '0');
      const untagged = rows.find((r) => r.tag === null);
      const untaggedAnswer = answer.untagged as Answer;
      c.equal('untagged calls', untaggedAnswer.calls, untagged?.calls ?? 0);
      c.money('untagged cost_usd', untaggedAnswer.cost_usd, untagged?.cost ?? '0');
      checkList(c, 'tags', answer.data as Answer[], rows.filter((r) => r.tag !== null), (c, i, p, r) => {
        c.equal(`tag #${i + 1}`, p.tag, r.tag);
        c.money(`${String(r.tag)} cost_usd`, p.cost_usd, r.cost);
        c.equal(`${String(r.tag)} calls`, p.calls, r.calls);
      });
      break;
    }
    case '/cost/budget':
      c.money('month_to_date_usd', answer.month_to_date_usd, one.month_to_date);
      c.equal('monthly_limit_usd', answer.monthly_limit_usd, one.budget === null ? null : usdFromNanos(one.budget));
      break;
    case '/performance/overview':
      c.equal('total_calls', answer.total_calls, one.calls);
      c.equal('error_count', answer.error_count, one.errors);
      if (one.avg !== null) c.equal('avg_latency_ms (2 decimals)', answer.avg_latency_ms, Math.round((Number(one.avg) + Number.EPSILON) * 100) / 100);
      c.close('p50_ms', answer.p50_ms, one.p50);
      c.close('p95_ms', answer.p95_ms, one.p95);
      c.close('p99_ms', answer.p99_ms, one.p99);
      break;
    case '/performance/latency':
      checkSeries(
        c,
        answer,
        rows,
        (c, at, p, r) => {
          c.equal(`${at} calls`, p.calls, r.calls);
          c.close(`${at} p50_ms`, p.p50_ms, r.p50);
          c.close(`${at} p95_ms`, p.p95_ms, r.p95);
          c.close(`${at} p99_ms`, p.p99_ms, r.p99);
        },
        (p) => p.calls === 0,
      );
      break;
    case '/performance/throughput':
      checkSeries(
        c,
        answer,
        rows,
        (c, at, p, r) => {
          c.equal(`${at} success`, p.success, r.success);
          c.equal(`${at} error`, p.error, r.error);
          c.equal(`${at} total`, p.total, Number(r.success) + Number(r.error));
        },
        (p) => p.total === 0,
      );
      break;
    case '/performance/errors':
      c.equal('total_errors', answer.total_errors, rows.reduce((s, r) => s + Number(r.count), 0));
      checkList(c, 'error types', answer.data as Answer[], rows, (c, i, p, r) => {
        const type = String(r.error_type);
        c.equal(`error type #${i + 1}`, p.error_type, r.error_type);
        c.equal(`${type} count`, p.count, r.count);
        c.equal(`${type} affected_agents`, p.affected_agents, r.affected);
        c.equal(`${type} agents`, (p.agents as string[]).join(','), r.agents);
        c.equal(`${type} last_seen`, ms(p.last_seen), ms(r.last_seen));
        c.equal(`${type} sample_message`, p.sample_message, r.message);
      });
      break;
  }
  return c.result();
}

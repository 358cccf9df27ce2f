import { catalogPrices, decimalText } from '@pulse/shared';
import { type SQL, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { repriceAll } from '../src/prices/repricer.js';
import { type TestServer, type TestWorkspace, workspaceCall } from './harness.js';

type Ws = TestWorkspace;

export interface PriceRow {
  model: string;
  input_per_mtok_usd: number;
  output_per_mtok_usd: number;
  cache_read_per_mtok_usd: number;
  cache_write_per_mtok_usd: number;
  source: string;
  effective_from: string | null;
}

/** The prices API of one workspace: any method and path, and PUT/DELETE /prices/{model}. */
export function pricesClient(srv: TestServer, ws: Ws) {
  const api = (method: string, path: string, body?: unknown) => workspaceCall(srv.url, ws, method, path, body);
  return {
    api,
    put: (model: string, body: unknown) => api('PUT', `/prices/${encodeURIComponent(model)}`, body),
    del: (model: string) => api('DELETE', `/prices/${encodeURIComponent(model)}`),
  };
}

/** The formula of docs/API_SPEC.md §9 in plain SQL over a trace's raw tokens, rounded half up once. */
function formula(p: { input: number; output: number; cacheRead: number; cacheWrite: number }): SQL {
  const n = (x: number) => sql.raw(`${decimalText(x)}::numeric`);
  return sql`round(((input_tokens - cache_read_tokens - cache_write_tokens) * ${n(p.input)} + cache_read_tokens * ${n(p.cacheRead)}
    + cache_write_tokens * ${n(p.cacheWrite)} + output_tokens * ${n(p.output)}) * 1000)`;
}

/**
 * Once the re-pricer has run every queued price change to its end, every stored call without
 * a client cost holds the cost and source the prices now listed (and the catalog before an
 * override's effective_from) give it: none priced twice or missed.
 * `table`: traces, or the fold's queue, whose copies of the calls are priced alike.
 */
export async function expectStoredCostsFollowPrices(srv: TestServer, ws: Ws, table: 'traces' | 'rollup_pending' = 'traces') {
  await repriceAll(srv.database);
  const listed = new Map(((await pricesClient(srv, ws).api('GET', '/prices')).body.data as PriceRow[]).map((p) => [p.model, p]));
  const models = await srv.database.rows<{ model: string }>(sql`select distinct model from ${sql.identifier(table)} where workspace_id = ${ws.workspace_id}::uuid`);
  for (const { model } of models) {
    const catalog = catalogPrices(model);
    const fallback = catalog
      ? sql`(${formula({ input: Number(catalog.input), output: Number(catalog.output), cacheRead: Number(catalog.cacheRead), cacheWrite: Number(catalog.cacheWrite) })}, 'catalog'::text)`
      : sql`(0::numeric, 'unpriced'::text)`;
    const o = listed.get(model);
    const expected =
      o?.source === 'override'
        ? sql`case when ${o.effective_from === null ? sql`true` : sql`"timestamp" >= ${o.effective_from}::timestamptz`}
            then (${formula({ input: o.input_per_mtok_usd, output: o.output_per_mtok_usd, cacheRead: o.cache_read_per_mtok_usd, cacheWrite: o.cache_write_per_mtok_usd })}, 'override'::text)
            else ${fallback} end`
        : fallback;
    const [wrong] = await srv.database.rows<{ n: number }>(
      sql`select count(*)::int as n from ${sql.identifier(table)} where workspace_id = ${ws.workspace_id}::uuid and model = ${model}
          and cost_source <> 'provided' and (cost_nanos::numeric, cost_source) is distinct from ${expected}`,
    );
    expect(wrong!.n, `${table}, ${model}: calls whose stored cost does not follow the prices`).toBe(0);
  }
}

import { verifyRollups } from '@pulse/verify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEveryEndpoint } from './check-every-endpoint.js';
import { seededTraces } from './dataset.js';
import { getAnalytics, sendInBatches, sendTraces, startTestServer, type TestServer } from './harness.js';
import { expectStoredCostsFollowPrices as checkStoredCosts, type PriceRow, pricesClient } from './price-checks.js';
import { reference, type RefWindow } from './reference.js';

const DAY = 86_400_000;
const H = 3_600_000;
let srv: TestServer;
let ws: { workspace_id: string; api_key: string };
let ref: ReturnType<typeof reference>;
const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
/** Not aligned to any bucket: the override starts inside an hour. */
const MID = start + 30 * H + 17 * 60_000 + 123;

/** The dataset of analytics.test.ts plus cache tokens on some calls and a provider-prefixed model name. */
function dataset(): Array<Record<string, unknown>> {
  return seededTraces(11, start, 3000).map((t, i) => {
    const input = t.input_tokens as number;
    const cache = i % 3 === 0 ? { cache_read_tokens: Math.floor(input / 2), cache_write_tokens: Math.floor(input / 5) } : {};
    return { ...t, ...cache, ...(i % 10 === 0 ? { model: 'openai/gpt-4o' } : {}) };
  });
}

const prices = () => pricesClient(srv, ws);
const api = (method: string, path: string, body?: unknown) => prices().api(method, path, body);
const put = (model: string, body: unknown) => prices().put(model, body);
const del = (model: string) => prices().del(model);
const expectStoredCostsFollowPrices = () => checkStoredCosts(srv, ws);

const providedCosts = () =>
  srv.database.rows(sql`select trace_id, cost_nanos::text from traces where workspace_id = ${ws.workspace_id}::uuid and cost_source = 'provided' order by trace_id`);

/** Every analytics endpoint against plain SQL, over windows around MID, and the rollups against raw rows. */
async function expectEveryFigureExact() {
  const get = (path: string, params: Record<string, string | number | undefined>) => getAnalytics(srv.url, ws, path, params);
  const windows: Array<[RefWindow, string]> = [
    [{ from: iso(start), to: iso(start + 3 * DAY) }, 'day'],
    [{ from: iso(start + 5 * H + 1234), to: iso(start + 2 * DAY + 7 * H) }, 'hour'],
    [{ from: iso(MID - 20 * 60_000), to: iso(MID + 40 * 60_000) }, 'minute'],
    [{ from: iso(start), to: iso(start + 3 * DAY), model: 'gpt-4o' }, 'hour'],
    [{ from: iso(start + DAY), to: iso(start + 2 * DAY), model: 'in-house-llm', agent_id: 'coder' }, 'hour'],
  ];
  for (const [w, g] of windows) await checkEveryEndpoint(get, ref, w, g);
  const report = await verifyRollups(srv.database, { workspaceId: ws.workspace_id });
  expect(report.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
}

beforeAll(async () => {
  srv = await startTestServer();
  ws = await srv.createWorkspace('prices');
  ref = reference(srv.database, ws.workspace_id);
  const traces = dataset();
  for (const body of await sendInBatches(srv.url, ws.api_key, traces)) expect(body.unknown_models).toEqual(['in-house-llm']);
});
afterAll(async () => {
  await srv?.close();
});

describe('prices (docs/API_SPEC.md §9)', () => {
  it('lists every catalog model by name, priced by the catalog', async () => {
    const { status, body } = await api('GET', '/prices');
    expect(status).toBe(200);
    const names = body.data.map((p: PriceRow) => p.model);
    expect(names).toEqual([...names].sort());
    expect(body.data.find((p: PriceRow) => p.model === 'claude-sonnet-4-5')).toEqual({
      model: 'claude-sonnet-4-5',
      input_per_mtok_usd: 3,
      output_per_mtok_usd: 15,
      cache_read_per_mtok_usd: 0.3,
      cache_write_per_mtok_usd: 3.75,
      source: 'catalog',
      effective_from: null,
    });
    await expectStoredCostsFollowPrices();
  });

  it('counts unpriced calls; a price for an unknown model prices its stored calls, and they leave unpriced_calls', async () => {
    const window = { range: 'custom', from: iso(start), to: iso(start + 3 * DAY) };
    const before = await getAnalytics(srv.url, ws, '/cost/overview', window);
    expect(before.unpriced_calls).toBeGreaterThan(0);
    const provided = await providedCosts();
    const res = await put('in-house-llm', { input_per_mtok_usd: 0.7, output_per_mtok_usd: 2.1 });
    expect(res).toEqual({
      status: 200,
      body: {
        model: 'in-house-llm',
        input_per_mtok_usd: 0.7,
        output_per_mtok_usd: 2.1,
        cache_read_per_mtok_usd: 0.7,
        cache_write_per_mtok_usd: 0.7,
        source: 'override',
        effective_from: null,
      },
    });
    expect((await getAnalytics(srv.url, ws, '/cost/overview', window)).unpriced_calls).toBe(0);
    await expectStoredCostsFollowPrices();
    await expectEveryFigureExact();
    expect(await providedCosts()).toEqual(provided);
  });

  it('an override of a catalog model from a mid-hour instant, with fractional nano-dollars per token, re-prices only the calls from then on', async () => {
    const provided = await providedCosts();
    const res = await put('gpt-4o', {
      input_per_mtok_usd: 2.3456789,
      output_per_mtok_usd: 9.87654321,
      cache_read_per_mtok_usd: 0.0001234,
      cache_write_per_mtok_usd: 3.3333333,
      effective_from: new Date(MID).toISOString().replace('Z', '+00:00'),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: 'gpt-4o', source: 'override', effective_from: iso(MID), cache_read_per_mtok_usd: 0.0001234 });
    const listed = (await api('GET', '/prices')).body.data.filter((p: PriceRow) => p.model === 'gpt-4o');
    expect(listed).toEqual([res.body]);
    await expectStoredCostsFollowPrices();
    await expectEveryFigureExact();
    // Moved earlier: the calls between the two instants move from the catalog to the override.
    expect((await put('gpt-4o', { input_per_mtok_usd: 2.3456789, output_per_mtok_usd: 9.87654321, effective_from: iso(MID - 26 * H) })).status).toBe(200);
    await expectStoredCostsFollowPrices();
    await expectEveryFigureExact();
    expect(await providedCosts()).toEqual(provided);
  });

  it('a model name with a slash works in the path and prices exactly that name', async () => {
    const res = await put('openai/gpt-4o', { input_per_mtok_usd: 1, output_per_mtok_usd: 1, cache_read_per_mtok_usd: 0.5, cache_write_per_mtok_usd: 2 });
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('openai/gpt-4o');
    await expectStoredCostsFollowPrices();
    await expectEveryFigureExact();
    expect((await del('openai/gpt-4o')).status).toBe(204);
    await expectStoredCostsFollowPrices();
  });

  it('DELETE puts the calls back on the catalog, or back to unpriced; a second DELETE is a 404', async () => {
    const provided = await providedCosts();
    expect(await del('gpt-4o')).toEqual({ status: 204, body: undefined });
    expect(await del('in-house-llm')).toEqual({ status: 204, body: undefined });
    const again = await del('in-house-llm');
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('NOT_FOUND');
    expect((await api('GET', '/prices')).body.data.every((p: PriceRow) => p.source === 'catalog')).toBe(true);
    await expectStoredCostsFollowPrices();
    await expectEveryFigureExact();
    expect(await providedCosts()).toEqual(provided);
  });

  it.each([
    [{ input_per_mtok_usd: '1', output_per_mtok_usd: 1 }, 'input_per_mtok_usd'],
    [{ input_per_mtok_usd: 1, output_per_mtok_usd: -1 }, 'output_per_mtok_usd'],
    [{ input_per_mtok_usd: 1, output_per_mtok_usd: 1, cache_read_per_mtok_usd: 1e9 }, 'cache_read_per_mtok_usd'],
    [{ input_per_mtok_usd: 1, output_per_mtok_usd: 1, cache_write_per_mtok_usd: null }, 'cache_write_per_mtok_usd'],
    [{ output_per_mtok_usd: 1 }, 'input_per_mtok_usd'],
    [{ input_per_mtok_usd: 1, output_per_mtok_usd: 1, effective_from: 'yesterday' }, 'effective_from'],
    [{ input_per_mtok_usd: 1, output_per_mtok_usd: 1, currency: 'EUR' }, 'currency'],
  ])('%j is a 400 naming %s, and changes nothing', async (body, field) => {
    const res = await put('gpt-4o', body);
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect((await api('GET', '/prices')).body.data.find((p: PriceRow) => p.model === 'gpt-4o').source).toBe('catalog');
  });

  it('a name that is not valid percent-encoding is a 400 naming model', async () => {
    const res = await api('PUT', '/prices/bad%E0name', { input_per_mtok_usd: 1, output_per_mtok_usd: 1 });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['model']);
  });

  it('re-pricing while 8 clients ingest the same model prices every call exactly once', async () => {
    const model = 'race-model';
    const clients = Array.from({ length: 8 }, (_, c) =>
      (async () => {
        for (let b = 0; b < 6; b++) {
          const traces = Array.from({ length: 50 }, (_, i) => ({
            trace_id: `race-${c}-${b}-${i}`,
            timestamp: iso(start + ((c * 311 + b * 53 + i * 7919) % (3 * DAY))),
            agent_id: `agent-${c % 3}`,
            user_id: `racer-${i % 4}`,
            model,
            status: 'success',
            latency_ms: 100 + i,
            input_tokens: 1000 + i,
            output_tokens: 10 * b,
            cache_read_tokens: i,
            ...(i % 9 === 0 ? { cost_usd: 0.5 } : {}),
          }));
          const res = await sendTraces(srv.url, ws.api_key, { traces });
          expect(res.status).toBe(200);
        }
      })(),
    );
    const changes = (async () => {
      for (const [i, price] of [0.5, 1.25, 3.3333333, 0.0000001].entries()) {
        expect((await put(model, { input_per_mtok_usd: price, output_per_mtok_usd: price * 2, effective_from: i % 2 ? iso(MID) : null })).status).toBe(200);
      }
      expect((await del(model)).status).toBe(204);
      expect((await put(model, { input_per_mtok_usd: 4.5, output_per_mtok_usd: 0.25, cache_read_per_mtok_usd: 0.45 })).status).toBe(200);
    })();
    await Promise.all([...clients, changes]);
    const [stored] = await srv.database.rows<{ n: number }>(sql`select count(*)::int as n from traces where workspace_id = ${ws.workspace_id}::uuid and model = ${model}`);
    expect(stored!.n).toBe(8 * 6 * 50);
    await expectStoredCostsFollowPrices();
    await expectEveryFigureExact();
  });
});

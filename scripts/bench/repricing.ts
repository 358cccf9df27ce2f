import { analyticsHeaders, type Workspace } from './client.js';

export interface RepricingMeasurement {
  model: string;
  /** Calls of that model in the workspace (30 days), all re-priced by the PUT and again by the DELETE. */
  calls: number;
  putSeconds: number;
  deleteSeconds: number;
}

async function timed(base: string, ws: Workspace, method: 'PUT' | 'DELETE', model: string, body?: unknown): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/prices/${encodeURIComponent(model)}`, {
    method,
    headers: { ...analyticsHeaders(ws), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} /prices/${model} answered ${res.status}: ${text.slice(0, 300)}`);
  return Math.round(performance.now() - t0) / 1000;
}

/**
 * A price change for the workspace's busiest model, answered only once every stored call of
 * that model is re-priced (docs/API_SPEC.md §9), then its removal (the calls go back to the catalog).
 */
export async function measureRepricing(base: string, ws: Workspace): Promise<RepricingMeasurement> {
  const res = await fetch(`${base}/api/v1/cost/by-model?range=30d`, { headers: analyticsHeaders(ws) });
  const byModel = (await res.json()) as { data: Array<{ model: string; calls: number }> };
  const busiest = byModel.data.reduce((a, b) => (b.calls > a.calls ? b : a));
  const putSeconds = await timed(base, ws, 'PUT', busiest.model, { input_per_mtok_usd: 1.2345678, output_per_mtok_usd: 4.5, cache_read_per_mtok_usd: 0.12 });
  const deleteSeconds = await timed(base, ws, 'DELETE', busiest.model);
  return { model: busiest.model, calls: busiest.calls, putSeconds, deleteSeconds };
}

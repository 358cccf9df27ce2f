import { analyticsHeaders, timedGet, type Workspace } from './client.js';

/** An uncached answer timed while the re-pricer had stored calls left to rewrite, and again after. */
export interface ReadDuringRepricing {
  path: string;
  pendingMs: number;
  afterMs: number;
}

/** One price change: its answer, then the background rewrite of the stored calls it changed. */
export interface PriceChangeMeasurement {
  /** From the request to the answer: from then on every figure follows the change. */
  answerSeconds: number;
  /** From the answer until GET /api/ready counts no re-pricing left: every stored call rewritten. */
  rewrittenSeconds: number;
}

export interface RepricingMeasurement {
  model: string;
  /** Calls of that model in the workspace (30 days), all re-priced by the PUT and again by the DELETE. */
  calls: number;
  put: PriceChangeMeasurement;
  delete: PriceChangeMeasurement;
  /** Uncached answers right after the PUT (the answer prices the calls not rewritten yet itself), and after the rewrite. */
  reads: ReadDuringRepricing[];
}

/** The reads timed during and after the rewrite: the largest windows of the costs a price moves. */
const READS = [
  '/cost/overview?range=30d',
  '/cost/by-model?range=30d',
  '/usage/top-users?range=30d',
  '/traces?range=30d&limit=50',
];

async function timedChange(
  base: string,
  ws: Workspace,
  method: 'PUT' | 'DELETE',
  model: string,
  body?: unknown,
): Promise<number> {
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

async function repricingLeft(base: string): Promise<number> {
  const ready = (await (await fetch(`${base}/api/ready`)).json()) as { rollups?: { repricing_models?: number } };
  return ready.rollups?.repricing_models ?? 0;
}

/** Seconds from now until the re-pricer has no job left (polled every 250 ms). */
async function untilRewritten(base: string): Promise<number> {
  const t0 = performance.now();
  while ((await repricingLeft(base)) > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  return Math.round(performance.now() - t0) / 1000;
}

/**
 * A price change for the workspace's busiest model, then its removal (the calls go back to the
 * catalog) (docs/API_SPEC.md §9): each answer's time, the background rewrite's, and uncached
 * reads of the costs it moves while the rewrite has just begun and once it has ended.
 */
export async function measureRepricing(
  base: string,
  ws: Workspace,
  bypassToken: string,
): Promise<RepricingMeasurement> {
  const headers = { ...analyticsHeaders(ws), 'x-pulse-cache-bypass': bypassToken };
  const byModel = JSON.parse((await timedGet(`${base}/api/v1/cost/by-model?range=30d`, headers)).body) as {
    data: Array<{ model: string; calls: number }>;
  };
  const busiest = byModel.data.reduce((a, b) => (b.calls > a.calls ? b : a));
  const putAnswer = await timedChange(base, ws, 'PUT', busiest.model, {
    input_per_mtok_usd: 1.2345678,
    output_per_mtok_usd: 4.5,
    cache_read_per_mtok_usd: 0.12,
  });
  const t0 = performance.now();
  const pending = [];
  for (const path of READS) pending.push((await timedGet(`${base}/api/v1${path}`, headers)).ms);
  const putRewritten = Math.round(performance.now() - t0) / 1000 + (await untilRewritten(base));
  const reads = [];
  for (const [i, path] of READS.entries())
    reads.push({
      path,
      pendingMs: Math.round(pending[i]! * 10) / 10,
      afterMs: Math.round((await timedGet(`${base}/api/v1${path}`, headers)).ms * 10) / 10,
    });
  const deleteAnswer = await timedChange(base, ws, 'DELETE', busiest.model);
  const deleteRewritten = await untilRewritten(base);
  return {
    model: busiest.model,
    calls: busiest.calls,
    put: { answerSeconds: putAnswer, rewrittenSeconds: putRewritten },
    delete: { answerSeconds: deleteAnswer, rewrittenSeconds: deleteRewritten },
    reads,
  };
}

/** The case in one line of the bench's log. */
export function repricingLine(r: RepricingMeasurement): string {
  const reads = r.reads.map((x) => `${x.path} ${x.pendingMs} ms (after: ${x.afterMs} ms)`).join(', ');
  return (
    `PUT for ${r.calls.toLocaleString('en-US')} calls of ${r.model} answered in ${r.put.answerSeconds} s, calls rewritten ${r.put.rewrittenSeconds} s later; ` +
    `DELETE answered in ${r.delete.answerSeconds} s, rewritten ${r.delete.rewrittenSeconds} s later; uncached reads while rewriting: ${reads}`
  );
}

/** HTTP calls of the benchmark: admin, ingest, and timed analytics GETs (client-side ms). */

export interface Workspace {
  name: string;
  workspace_id: string;
  api_key: string;
}

async function expectJson<T>(res: Response, what: string, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export async function createWorkspace(base: string, adminToken: string, name: string): Promise<Workspace> {
  const res = await fetch(`${base}/api/v1/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  return { name, ...(await expectJson<Omit<Workspace, 'name'>>(res, `creating workspace ${name}`, 201)) };
}

/** A new key, of every scope, for an existing workspace (a case run again on a kept database). */
export async function createKey(base: string, adminToken: string, workspace: Omit<Workspace, 'api_key'>): Promise<Workspace> {
  const res = await fetch(`${base}/api/v1/admin/workspaces/${workspace.workspace_id}/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({}),
  });
  return { ...workspace, api_key: (await expectJson<{ api_key: string }>(res, `creating a key for ${workspace.name}`, 201)).api_key };
}

/**
 * What every benchmark starts Pulse with: production mode, its admin token, and no rate limits
 * (one key sends far more than a client's 6000 requests a minute); the cache-bypass token when
 * uncached answers are measured.
 */
export function benchServerEnv(adminToken: string, bypassToken?: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    ADMIN_TOKEN: adminToken,
    ...(bypassToken ? { PULSE_CACHE_BYPASS_TOKEN: bypassToken } : {}),
    RATE_LIMIT_INGEST_PER_MIN: '0',
    RATE_LIMIT_QUERY_PER_MIN: '0',
  };
}

/** One ingest batch (a JSON body of POST /api/v1/traces) with the workspace's key; its answer, non-200 an error. */
export async function postTraceBatch(base: string, apiKey: string, body: string): Promise<{ accepted: number; duplicates: number }> {
  const res = await fetch(`${base}/api/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body,
  });
  return expectJson(res, 'ingest');
}

export function analyticsHeaders(ws: Workspace): Record<string, string> {
  return { authorization: `Bearer ${ws.api_key}`, 'x-workspace-id': ws.workspace_id };
}

export async function putBudget(base: string, ws: Workspace, monthlyLimitUsd: number): Promise<unknown> {
  const res = await fetch(`${base}/api/v1/cost/budget`, {
    method: 'PUT',
    headers: { ...analyticsHeaders(ws), 'content-type': 'application/json' },
    body: JSON.stringify({ monthly_limit_usd: monthlyLimitUsd, alert_threshold_pct: 80 }),
  });
  return expectJson(res, 'PUT /cost/budget');
}

export interface Timed {
  ms: number;
  /** The X-Cache header: HIT, MISS or BYPASS. */
  cache: string | null;
  body: string;
}

/** One GET, timed from the call to the last byte of the body; non-200 is an error. */
export async function timedGet(url: string, headers: Record<string, string>): Promise<Timed> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 500)}`);
  return { ms, cache: res.headers.get('x-cache'), body };
}

/** `rollups.pending_rows` of GET /api/ready, or undefined when the server does not report it. */
export async function pendingRollupRows(base: string): Promise<number | undefined> {
  const res = await fetch(`${base}/api/ready`);
  const ready = (await res.json()) as { rollups?: { pending_rows?: unknown } };
  const pending = ready.rollups?.pending_rows;
  return typeof pending === 'number' ? pending : undefined;
}

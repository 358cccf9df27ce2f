import { http, HttpResponse, ws } from 'msw';
import { setupServer } from 'msw/node';
import { fixtures } from './fixtures.js';

/**
 * tRPC over HTTP, as the dashboard's httpBatchLink speaks it: GET /trpc/a,b?batch=1&input=…
 * answered with one `{ result: { data } }` per procedure (or `{ error }`). Tests override a
 * procedure with `answer()` and read what was asked with `calls`.
 */
type Answer = unknown | { __error: { status: number; message: string; code: string } };
const overrides = new Map<string, (input: unknown) => Answer>();
export const calls: Array<{ procedure: string; input: unknown }> = [];

export function answer(procedure: string, fn: (input: unknown) => Answer) {
  overrides.set(procedure, fn);
}
export function fail(
  procedure: string,
  message = 'Internal server error',
  status = 500,
  code = 'INTERNAL_SERVER_ERROR',
) {
  overrides.set(procedure, () => ({ __error: { status, message, code } }));
}

function respond(procedures: string[], inputs: Record<string, unknown>) {
  let status = 200;
  const body = procedures.map((p, i) => {
    const input = inputs[String(i)];
    calls.push({ procedure: p, input });
    const value = overrides.get(p)?.(input) ?? fixtures[p]?.(input);
    if (value && typeof value === 'object' && '__error' in value) {
      const e = (value as { __error: { status: number; message: string; code: string } }).__error;
      status = procedures.length > 1 ? 207 : e.status;
      return { error: { message: e.message, code: -32603, data: { code: e.code, httpStatus: e.status, path: p } } };
    }
    if (value === undefined) throw new Error(`no fixture for ${p}`);
    return { result: { data: value } };
  });
  return HttpResponse.json(body, { status });
}

/**
 * tRPC over WebSocket, as the dashboard's wsLink speaks it: a `subscription` request for
 * `live.changes` is answered `started`; `pushLiveChange()` sends each open one an event.
 */
const socket = ws.link('*/trpc');
const liveSubscriptions = new Set<() => void>();
let refuseSockets = false;
export function pushLiveChange() {
  for (const send of liveSubscriptions) send();
}
/** Sockets are closed at once, as behind a proxy that refuses WebSocket upgrades. */
export function refuseLiveSockets() {
  refuseSockets = true;
}

export const server = setupServer(
  socket.addEventListener('connection', ({ client }) => {
    if (refuseSockets) return client.close(1011, 'refused');
    client.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; method?: string; params?: { path?: string } };
      if (message.method !== 'subscription' || message.params?.path !== 'live.changes') return;
      const { id } = message;
      client.send(JSON.stringify({ id, result: { type: 'started' } }));
      const send = () =>
        client.send(JSON.stringify({ id, result: { type: 'data', data: { at: new Date().toISOString() } } }));
      liveSubscriptions.add(send);
      client.addEventListener('close', () => liveSubscriptions.delete(send));
    });
  }),
  http.get('*/trpc/:procedures', ({ params, request }) => {
    const url = new URL(request.url);
    const procedures = String(params.procedures).split(',');
    const inputs = JSON.parse(url.searchParams.get('input') ?? '{}') as Record<string, unknown>;
    return respond(procedures, inputs);
  }),
  http.post('*/trpc/:procedures', async ({ params, request }) => {
    const procedures = String(params.procedures).split(',');
    return respond(procedures, (await request.json()) as Record<string, unknown>);
  }),
);

export function resetMsw() {
  overrides.clear();
  liveSubscriptions.clear();
  refuseSockets = false;
  calls.length = 0;
}

/**
 * The admin API throttles failed authentications per client (docs/API_SPEC.md §6), written as
 * the attack was: a stream of wrong admin tokens from one address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './harness.js';

let srv: TestServer;
let made: { workspace_id: string; api_key: string };
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

const createWorkspace = (token: string) =>
  fetch(`${srv.url}/api/v1/admin/workspaces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'throttled' }),
  });

describe('admin authentication throttle', () => {
  it('successful admin requests are never counted, even many at once', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => createWorkspace(ADMIN_TOKEN)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 201));
    made = (await answers[0]!.json()) as typeof made;
  });

  it('20 wrong tokens a minute are 401; then every admin request of that client is 429 with Retry-After and the error body', async () => {
    // Sent all at once, as a guessing client would: none slips past the count.
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => createWorkspace(`wrong-${i}`)));
    const statuses = guesses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);

    const refused = await createWorkspace('wrong-again');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as { code: string; message: string };
    expect(body).toEqual({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/failed admin authentications.*retry after \d+ s/) });

    // The right token too, or the refusal would still tell a right guess from a wrong one.
    expect((await createWorkspace(ADMIN_TOKEN)).status).toBe(429);
    // tRPC's admin procedures share the count.
    const trpc = await fetch(`${srv.url}/trpc/admin.createWorkspace`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(trpc.status).toBe(429);
    expect(Number(trpc.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('API keys of the same client are not affected', async () => {
    const res = await fetch(`${srv.url}/api/v1/usage/overview`, { headers: { authorization: `Bearer ${made.api_key}`, 'x-workspace-id': made.workspace_id } });
    expect(res.status).toBe(200);
  });
});

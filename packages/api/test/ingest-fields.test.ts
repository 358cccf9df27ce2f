import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';

// The optional trace fields of docs/API_SPEC.md §2: session, tags, cache tokens, time to first token, prompt and completion.

let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

async function storedFields(workspaceId: string) {
  return srv.database.rows<Record<string, unknown>>(
    sql`select trace_id, session_id, tags, cache_read_tokens, cache_write_tokens, ttft_ms, input, output
        from traces where workspace_id = ${workspaceId}::uuid order by trace_id`,
  );
}

/** Sends one trace alone and returns the errors it was rejected with (none: it was stored). */
async function errorsOf(overrides: Record<string, unknown>): Promise<string[]> {
  const w = await srv.createWorkspace('rules');
  const res = await sendTraces(srv.url, w.api_key, { traces: [makeTrace(overrides)] });
  if (res.status === 200) return [];
  expect(res.status).toBe(207);
  expect((await storedFields(w.workspace_id)).length).toBe(0);
  return res.body.rejected[0].errors;
}

describe('the optional trace fields', () => {
  it('stores each as sent', async () => {
    const w = await srv.createWorkspace('fields');
    const prompt = `Say "hi" ✓ ${'p'.repeat(32_000)}`;
    const full = makeTrace({
      trace_id: 'a-full',
      session_id: 'conv-42',
      tags: ['checkout', 'beta', 'ünïcode ✓'],
      input_tokens: 1000,
      cache_read_tokens: 600,
      cache_write_tokens: 400,
      latency_ms: 812.5,
      ttft_ms: 812.5,
      input: prompt,
      output: 'x'.repeat(32_768),
    });
    const bare = makeTrace({ trace_id: 'b-bare' });
    const explicitNulls = makeTrace({
      trace_id: 'c-nulls',
      session_id: null,
      input: null,
      output: null,
      tags: [],
      ttft_ms: 0,
    });
    const res = await sendTraces(srv.url, w.api_key, { traces: [full, bare, explicitNulls] });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(3);
    expect(await storedFields(w.workspace_id)).toEqual([
      {
        trace_id: 'a-full',
        session_id: 'conv-42',
        tags: ['checkout', 'beta', 'ünïcode ✓'],
        cache_read_tokens: 600,
        cache_write_tokens: 400,
        ttft_ms: 812.5,
        input: prompt,
        output: 'x'.repeat(32_768),
      },
      {
        trace_id: 'b-bare',
        session_id: null,
        tags: [],
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        ttft_ms: null,
        input: null,
        output: null,
      },
      {
        trace_id: 'c-nulls',
        session_id: null,
        tags: [],
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        ttft_ms: 0,
        input: null,
        output: null,
      },
    ]);
  });

  it('counts a repeated tag once: 25 entries of 20 distinct tags are accepted and stored once each, in order', async () => {
    const w = await srv.createWorkspace('tags');
    const distinct = Array.from({ length: 20 }, (_, i) => `tag-${i}`);
    const res = await sendTraces(srv.url, w.api_key, {
      traces: [makeTrace({ tags: [...distinct, ...distinct.slice(0, 5)] })],
    });
    expect(res.status).toBe(200);
    const [row] = await storedFields(w.workspace_id);
    expect(row!.tags).toEqual(distinct);
  });

  it('accepts the edges of every rule', async () => {
    expect(await errorsOf({ session_id: 's'.repeat(128) })).toEqual([]);
    expect(await errorsOf({ tags: ['t'.repeat(64)] })).toEqual([]);
    expect(await errorsOf({ input_tokens: 10, cache_read_tokens: 10 })).toEqual([]);
    expect(await errorsOf({ input_tokens: 10, cache_write_tokens: 10 })).toEqual([]);
    expect(await errorsOf({ latency_ms: 100, ttft_ms: 100 })).toEqual([]);
  });

  it.each([
    [{ session_id: '' }, 'session_id: must not be empty'],
    [{ session_id: 's'.repeat(129) }, 'session_id: must be at most 128 characters'],
    [{ session_id: 42 }, 'session_id: must be a string'],
    [{ tags: 'checkout' }, 'tags: must be an array of strings'],
    [{ tags: ['ok', ''] }, 'tags.1: must not be empty'],
    [{ tags: ['t'.repeat(65)] }, 'tags.0: must be at most 64 characters'],
    [{ tags: [7] }, 'tags.0: must be a string'],
    [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags: must hold at most 20 distinct tags'],
    [{ cache_read_tokens: -1 }, 'cache_read_tokens: must be >= 0'],
    [{ cache_write_tokens: 1.5 }, 'cache_write_tokens: must be an integer'],
    [{ cache_read_tokens: '5' }, 'cache_read_tokens: must be an integer'],
    [
      { input_tokens: 10, cache_read_tokens: 11 },
      'cache_read_tokens: cache_read_tokens + cache_write_tokens must not exceed input_tokens (10)',
    ],
    [
      { input_tokens: 10, cache_read_tokens: 6, cache_write_tokens: 5 },
      'cache_write_tokens: cache_read_tokens + cache_write_tokens must not exceed input_tokens (10)',
    ],
    [
      { input_tokens: undefined, cache_write_tokens: 1 },
      'cache_write_tokens: cache_read_tokens + cache_write_tokens must not exceed input_tokens (0)',
    ],
    [{ ttft_ms: -1 }, 'ttft_ms: must be >= 0'],
    [{ latency_ms: 100, ttft_ms: 100.5 }, 'ttft_ms: must be <= latency_ms (100)'],
    [{ ttft_ms: '12' }, 'ttft_ms: must be a number'],
    [{ input: 'i'.repeat(32_769) }, 'input: must be at most 32768 characters'],
    [{ output: 'o'.repeat(32_769) }, 'output: must be at most 32768 characters'],
    [{ input: 'a\u0000b' }, 'input: must not contain NUL (\\u0000) characters'],
    [{ output: 5 }, 'output: must be a string'],
  ])('rejects %j naming the field', async (overrides, error) => {
    expect(await errorsOf(overrides)).toEqual([error]);
  });
});

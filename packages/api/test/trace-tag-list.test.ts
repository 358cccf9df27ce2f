import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAnalytics, makeTrace, sendTraces, startTestServer, type TestServer } from './harness.js';
import { type RefTraceFilter, traceReference } from './trace-reference.js';
import { expectTraceTagsExact } from './trace-tags-check.js';

/**
 * The tag filter of the trace list and the export (docs/API_SPEC.md §8), read through
 * trace_tags: every page of a common tag (~88 % of the calls), a rare one and tags no call
 * carries equals plain SQL over the raw rows (`tags ? tag`), with dozens of calls on each
 * millisecond, from the first page and from a cursor deep in the walk.
 */

type Ws = { workspace_id: string; api_key: string };
let srv: TestServer;
let a: Ws;
let b: Ws;

const iso = (ms: number) => new Date(ms).toISOString();
const base = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
const W = { from: iso(base - 3_600_000), to: iso(base) };

const COMMON = 'prod';
const RARE = 'needle "x"';
/** Tags that no call of workspace a carries: a stranger, a prefix and a case of the common one, and workspace b's own. */
const ABSENT = ['no-such-tag', 'pro', 'PROD', 'only-in-b'];

/** 1,200 calls on 40 milliseconds (30 a millisecond, trace ids in mixed code-point order). */
function calls(prefix: string) {
  return Array.from({ length: 1200 }, (_, i) =>
    makeTrace({
      trace_id: `${['t-', 'T-', 'ü-', 'a', '_'][i % 5]}${prefix}${i}`,
      timestamp: iso(base - 1_800_000 + (i % 40) * 13),
      agent_id: ['support-bot', 'coder'][i % 2],
      tags: [...(i % 8 === 0 ? [] : [COMMON]), ...(i % 97 === 5 ? [RARE] : []), ...(i % 3 === 0 ? ['ü-tag'] : [])],
    }),
  );
}

async function ingest(ws: Ws, traces: unknown[]) {
  for (let i = 0; i < traces.length; i += 500) {
    const res = await sendTraces(srv.url, ws.api_key, { traces: traces.slice(i, i + 500) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

const list = (params: Record<string, string | number | undefined>) => getAnalytics(srv.url, a, '/traces', { range: 'custom', ...params });

/** Every page of the list under the filter; the cursors handed out, in order. */
async function walk(f: RefTraceFilter, limit: number) {
  const items: any[] = [];
  const cursors: string[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await list({ ...f, limit, cursor });
    items.push(...page.data);
    if (page.next_cursor === null) return { items, cursors };
    expect(page.data).toHaveLength(limit);
    cursor = page.next_cursor;
    cursors.push(page.next_cursor);
  }
}

beforeAll(async () => {
  srv = await startTestServer();
  a = await srv.createWorkspace('tag-list-a');
  b = await srv.createWorkspace('tag-list-b');
  const mine = calls('a');
  await ingest(a, mine);
  // Sent again, in part: a duplicate adds no tag row.
  await ingest(a, mine.slice(0, 300));
  // Another workspace with the same tags on the same milliseconds: none of them is a's.
  await ingest(b, calls('b').map((t) => ({ ...t, tags: [...(t.tags as string[]), 'only-in-b'] })));
});
afterAll(async () => {
  await srv?.close();
});

describe('GET /traces?tag=', () => {
  it('walks a common, a rare and an absent tag exactly as plain SQL lists them', async () => {
    const ref = traceReference(srv.database, a.workspace_id);
    const common = await ref.list({ ...W, tag: COMMON });
    expect(common.length).toBe(1050);
    expect((await ref.list({ ...W, tag: RARE })).length).toBe(13);
    const walks: Array<[RefTraceFilter, number]> = [
      [{ ...W, tag: COMMON }, 37],
      [{ ...W, tag: RARE }, 4],
      ...ABSENT.map((tag): [RefTraceFilter, number] => [{ ...W, tag }, 50]),
      [{ ...W, tag: COMMON, agent_id: 'coder' }, 61],
    ];
    for (const [f, limit] of walks) expect((await walk(f, limit)).items, `${JSON.stringify(f)} by ${limit}`).toEqual(await ref.list(f));
  });

  it('answers a page from a cursor deep in the walk as plain SQL does, and a narrower window', async () => {
    const ref = traceReference(srv.database, a.workspace_id);
    const f = { ...W, tag: COMMON };
    const expected = await ref.list(f);
    const { cursors } = await walk(f, 25);
    // After 36 pages of 25 (900 calls): a cursor inside a millisecond the common tag fills.
    const page = await list({ ...f, limit: 50, cursor: cursors[35] });
    expect(page.data).toEqual(expected.slice(900, 950));
    const lastMs = { from: iso(base - 1_800_000 + 39 * 13), to: iso(base - 1_800_000 + 39 * 13 + 1), tag: COMMON };
    expect((await walk(lastMs, 3)).items).toEqual(await ref.list(lastMs));
  });

  it('keeps exactly one tag row per tag of each stored call', async () => {
    await expectTraceTagsExact(srv.database);
  });
});

describe('GET /traces/export?tag=', () => {
  it('streams exactly what plain SQL lists for a common, a rare and an absent tag', async () => {
    const ref = traceReference(srv.database, a.workspace_id);
    for (const tag of [COMMON, RARE, 'no-such-tag']) {
      const qs = new URLSearchParams({ range: 'custom', ...W, tag, format: 'jsonl' });
      const res = await fetch(`${srv.url}/api/v1/traces/export?${qs}`, {
        headers: { authorization: `Bearer ${a.api_key}`, 'x-workspace-id': a.workspace_id },
      });
      expect(res.status).toBe(200);
      const lines = (await res.text()).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l)), tag).toEqual(await ref.list({ ...W, tag }));
    }
  });
});

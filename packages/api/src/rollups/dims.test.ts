import { type Database, openDatabase } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimOf, dimRows } from './dims.js';

// dimOf (what a query reads) must name exactly the dims dimRows (what a fold writes) builds.
describe('dims', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
  });
  afterAll(() => database.close());

  const folded = async (agentId: string, model: string, tags: string[] = []) => {
    const found = await database.rows<{ dim: string }>(
      sql`select d.dim from (select ${agentId}::text as agent_id, ${model}::text as model, ${JSON.stringify(tags)}::jsonb as tags) t
          cross join lateral (${dimRows(sql`t.agent_id`, sql`t.model`, sql`t.tags`)}) as d(dim)`,
    );
    return found.map((r) => r.dim);
  };

  const pairs: Array<[string, string]> = [
    ['support-bot', 'gpt-4o'],
    ['a', 'bc'],
    ['ab', 'c'],
    ['émoji-🤖', 'claude:3'],
    ['', 'm'],
    ['12:x', '3'],
  ];

  it.each(pairs)('agent %j, model %j: the fold writes every dim a query can read', async (agentId, model) => {
    expect(await folded(agentId, model)).toEqual([dimOf({}), dimOf({ agentId }), dimOf({ model }), dimOf({ agentId, model })]);
  });

  it('keeps every agent-and-model pair apart, whatever the names hold', async () => {
    const dims = await Promise.all(pairs.map(async ([agentId, model]) => (await folded(agentId, model))[3]));
    expect(new Set(dims).size).toBe(pairs.length);
    expect(dimOf({ agentId: 'a', model: 'bc' })).not.toBe(dimOf({ agentId: 'ab', model: 'c' }));
  });

  it('keeps a call under each of its tags too; a tag with agent or model filters has no dim', async () => {
    const tags = ['checkout', 'café', 'a:b'];
    expect(await folded('support-bot', 'gpt-4o', tags)).toEqual([
      ...(await folded('support-bot', 'gpt-4o')),
      ...tags.map((tag) => dimOf({ tag })),
    ]);
    expect(dimOf({ tag: 'a:b' })).toBe('t:a:b');
    expect(dimOf({ tag: 'x', agentId: 'a' })).toBeUndefined();
    expect(dimOf({ tag: 'x', model: 'm' })).toBeUndefined();
  });

  it('reads the unfiltered dim for no filters', () => {
    expect(dimOf({})).toBe('');
    expect(dimOf({ agentId: 'x' })).toBe('a:x');
    expect(dimOf({ model: 'y' })).toBe('m:y');
    expect(dimOf({ agentId: '🤖', model: 'y' })).toBe('am:1:🤖y');
  });
});

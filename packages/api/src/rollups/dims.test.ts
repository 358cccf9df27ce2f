import { type Database, openDatabase } from '@pulse/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimOf, dimValues } from './dims.js';

// dimOf (what a query reads) must name exactly the dims dimValues (what a fold writes) builds.
describe('dims', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
  });
  afterAll(() => database.close());

  const folded = async (agentId: string, model: string) => {
    const found = await database.rows<{ dim: string }>(
      sql`select d.dim from (select ${agentId}::text as agent_id, ${model}::text as model) t
          cross join lateral (values ${dimValues(sql`t.agent_id`, sql`t.model`)}) as d(dim)`,
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

  it('reads the unfiltered dim for no filters', () => {
    expect(dimOf({})).toBe('');
    expect(dimOf({ agentId: 'x' })).toBe('a:x');
    expect(dimOf({ model: 'y' })).toBe('m:y');
    expect(dimOf({ agentId: '🤖', model: 'y' })).toBe('am:1:🤖y');
  });
});

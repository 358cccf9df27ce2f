import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { entryFormat } from './entry.js';

const answer = z.object({ total: z.number(), by_model: z.record(z.string(), z.number()) });

describe('cache entries', () => {
  it('an answer written is read back as it was', () => {
    const value = { total: 3, by_model: { 'gpt-4o': 1, other: 2 } };
    expect(entryFormat(answer).read(entryFormat(answer).write(value))).toEqual({ answer: value });
  });

  it('one schema, one format: made once, the same across calls', () => {
    expect(entryFormat(answer)).toBe(entryFormat(answer));
    // The same shape built again (another process, the next release unchanged) reads the entry.
    const same = z.object({ total: z.number(), by_model: z.record(z.string(), z.number()) });
    expect(entryFormat(same).read(entryFormat(answer).write({ total: 1, by_model: {} }))).toEqual({ answer: { total: 1, by_model: {} } });
  });

  it('an entry of another shape, of no format, or cut short is unreadable', () => {
    const changed = z.object({ total: z.string(), by_model: z.record(z.string(), z.number()) });
    expect(entryFormat(changed).read(entryFormat(answer).write({ total: 1, by_model: {} }))).toEqual({ unreadable: 'was stored for another answer schema' });
    expect(entryFormat(answer).read('{"total": 1, "by_model": {}}')).toEqual({ unreadable: 'was stored for another answer schema' });
    const whole = entryFormat(answer).write({ total: 1, by_model: { a: 1 } });
    expect(entryFormat(answer).read(whole.slice(0, -3))).toEqual({ unreadable: 'is not JSON' });
  });
});

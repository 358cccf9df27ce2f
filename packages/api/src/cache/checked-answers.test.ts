import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cachedAnswerOutput, noteCheckedAnswer } from './checked-answers.js';

const answer = z.object({ total: z.number() }).meta({ description: 'An answer' });

describe("the output parser of cached answers", () => {
  it('checks a computed answer as the schema does', async () => {
    const parser = cachedAnswerOutput(answer);
    await expect(parser.parseAsync({ total: 'three' })).rejects.toThrow();
    // The schema's own output: unknown keys dropped, a new object.
    const computed = { total: 3, extra: true };
    await expect(parser.parseAsync(computed)).resolves.toEqual({ total: 3 });
  });

  it('sends an answer read from the cache under the same schema as read, and checks one noted under another', async () => {
    const parser = cachedAnswerOutput(answer);
    const hit = { total: 3 };
    noteCheckedAnswer(hit, answer);
    expect(await parser.parseAsync(hit)).toBe(hit);
    const other = z.object({ total: z.string() });
    const foreign = { total: 3 };
    noteCheckedAnswer(foreign, other);
    await expect(cachedAnswerOutput(other).parseAsync({ total: 3 })).rejects.toThrow();
    await expect(parser.parseAsync(foreign)).resolves.not.toBe(foreign);
  });

  it('describes itself as the schema does (the OpenAPI document)', () => {
    expect(z.toJSONSchema(cachedAnswerOutput(answer))).toEqual(z.toJSONSchema(answer));
  });
});

import type { Request, Response } from 'express';
import { expect, it } from 'vitest';
import { parsedBodyOnce } from './parsed-body-once.js';

it('a parsed body serialises to nothing, while its fields stay what was sent', () => {
  const sent = { traces: [{ trace_id: 't-1', metadata: { a: [1, { b: '"x"' }] } }], n: 2 };
  const req = { body: structuredClone(sent) } as Request;
  let nexts = 0;
  parsedBodyOnce(req, {} as Response, () => nexts++);
  expect(nexts).toBe(1);
  expect(JSON.stringify(req.body)).toBeUndefined();
  // What the REST adapter hands the procedure: the body's own fields, spread.
  expect({ ...req.body }).toEqual(sent);
  expect(Object.keys(req.body as object)).toEqual(['traces', 'n']);
  // Only the body itself: what is nested serialises as sent.
  expect(JSON.stringify((req.body as typeof sent).traces)).toBe(JSON.stringify(sent.traces));
});

it('leaves bodies that are not objects alone', () => {
  for (const body of [undefined, null, 'text', 3]) {
    const req = { body } as Request;
    parsedBodyOnce(req, {} as Response, () => undefined);
    expect(JSON.stringify(req.body)).toBe(JSON.stringify(body));
  }
});

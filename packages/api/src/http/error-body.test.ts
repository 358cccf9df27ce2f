import { errorBodySchema } from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../trpc/input-error.js';
import { trpcErrorBody } from '../trpc/trpc-error-body.js';
import { describeIssues, errorBody } from './error-body.js';

function zodFailure(): TRPCError {
  const parsed = z.object({ name: z.string(), traces: z.array(z.object({ latency_ms: z.number().min(0) })) }).safeParse({ traces: [{ latency_ms: -1 }] });
  if (parsed.success) throw new Error('expected a validation failure');
  return new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
}

describe('errorBody', () => {
  it('keeps code, message and issues as given', () => {
    const body = errorBody({ code: 'BAD_REQUEST', message: 'bad', issues: [{ path: 'name', message: 'required' }] });
    expect(body).toEqual({ code: 'BAD_REQUEST', message: 'bad', issues: [{ path: 'name', message: 'required' }] });
  });

  it('refuses an empty issues list: issues name at least one field or are absent', () => {
    expect(() => errorBody({ code: 'BAD_REQUEST', message: 'bad', issues: [] })).toThrow();
  });

  it('drops fields the schema does not know', () => {
    const body = errorBody({ code: 'NOT_FOUND', message: 'gone', extra: 1 } as never);
    expect(body).toEqual({ code: 'NOT_FOUND', message: 'gone' });
    expect(JSON.parse(JSON.stringify(body))).toEqual({ code: 'NOT_FOUND', message: 'gone' });
  });

  it('describes issues on one line', () => {
    expect(describeIssues([{ path: 'a', message: 'x' }, { path: 'b.0', message: 'y' }])).toBe('a: x; b.0: y');
  });
});

describe('trpcErrorBody', () => {
  it('names every invalid field of a schema failure, in issues and in the message', () => {
    const body = trpcErrorBody(zodFailure(), false, undefined);
    expect(body.issues!.map((i) => i.path)).toEqual(['name', 'traces.0.latency_ms']);
    expect(body.message).toBe(describeIssues(body.issues!));
    expect(errorBodySchema.parse(body)).toEqual(body);
  });

  it('turns an InvalidInputError into its issues, named in the message too', () => {
    const error = new InvalidInputError([{ path: 'granularity', message: 'too many buckets' }]);
    expect(trpcErrorBody(error, false, undefined)).toEqual({ code: 'BAD_REQUEST', message: 'granularity: too many buckets', issues: [{ path: 'granularity', message: 'too many buckets' }] });
  });

  it('hides an internal error message and stack outside development', () => {
    const error = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'insert into traces failed' });
    expect(trpcErrorBody(error, false, 'Error: at x')).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    expect(trpcErrorBody(error, true, 'Error: at x')).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'insert into traces failed', stack: 'Error: at x' });
  });

  it('leaves other errors as thrown', () => {
    expect(trpcErrorBody(new TRPCError({ code: 'FORBIDDEN', message: 'not yours' }), false, undefined)).toEqual({ code: 'FORBIDDEN', message: 'not yours' });
  });
});

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
    const body = errorBody(400, { code: 'BAD_REQUEST', message: 'bad', issues: [{ path: 'name', message: 'required' }] });
    expect(body).toEqual({ code: 'BAD_REQUEST', message: 'bad', issues: [{ path: 'name', message: 'required' }] });
  });

  it('gives a 400 without issues one naming the whole input', () => {
    expect(errorBody(400, { code: 'PARSE_ERROR', message: 'not JSON' }).issues).toEqual([{ path: 'input', message: 'not JSON' }]);
  });

  it('adds no issues to other statuses and drops fields the schema does not know', () => {
    const body = errorBody(404, { code: 'NOT_FOUND', message: 'gone', extra: 1 } as never);
    expect(body).toEqual({ code: 'NOT_FOUND', message: 'gone' });
    expect(JSON.parse(JSON.stringify(body))).toEqual({ code: 'NOT_FOUND', message: 'gone' });
  });

  it('describes issues on one line', () => {
    expect(describeIssues([{ path: 'a', message: 'x' }, { path: 'b.0', message: 'y' }])).toBe('a: x; b.0: y');
  });
});

describe('trpcErrorBody', () => {
  it('names every invalid field of a schema failure, in issues and in the message', () => {
    const body = trpcErrorBody(zodFailure(), 400, false, undefined);
    expect(body.issues!.map((i) => i.path)).toEqual(['name', 'traces.0.latency_ms']);
    expect(body.message).toBe(describeIssues(body.issues!));
    expect(errorBodySchema.parse(body)).toEqual(body);
  });

  it('turns an InvalidInputError into its issues and keeps its message', () => {
    const error = new InvalidInputError([{ path: 'granularity', message: 'too many buckets' }]);
    expect(trpcErrorBody(error, 400, false, undefined)).toEqual({ code: 'BAD_REQUEST', message: 'granularity: too many buckets', issues: [{ path: 'granularity', message: 'too many buckets' }] });
    const header = new InvalidInputError([{ path: 'X-Workspace-ID', message: 'missing header' }], 'Missing X-Workspace-ID header');
    expect(trpcErrorBody(header, 400, false, undefined).message).toBe('Missing X-Workspace-ID header');
  });

  it('hides an internal error message and stack outside development', () => {
    const error = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'insert into traces failed' });
    expect(trpcErrorBody(error, 500, false, 'Error: at x')).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    expect(trpcErrorBody(error, 500, true, 'Error: at x')).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: 'insert into traces failed', stack: 'Error: at x' });
  });

  it('leaves other errors as thrown', () => {
    expect(trpcErrorBody(new TRPCError({ code: 'FORBIDDEN', message: 'not yours' }), 403, false, undefined)).toEqual({ code: 'FORBIDDEN', message: 'not yours' });
  });
});

import type { z } from 'zod';
import type { Context } from './context.js';
import { InvalidInputError } from './input-error.js';

/**
 * A REST path parameter as the client meant it. trpc-to-openapi hands path parameters over as
 * they appear in the URL, percent-encoded (`openai%2Fgpt-4o`), where tRPC passes the value
 * itself: over REST it is decoded here and checked against its schema again, so a name with
 * `/` or spaces works in a path (docs/API_SPEC.md §9).
 */
export function pathParam(ctx: Context, field: string, value: string, schema: z.ZodType<string>): string {
  if (ctx.req.baseUrl !== '/api/v1') return value;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw new InvalidInputError([{ path: field, message: 'must be a valid percent-encoded path segment' }]);
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw new InvalidInputError([{ path: field, message: parsed.error.issues[0]?.message ?? 'is invalid' }]);
  return parsed.data;
}

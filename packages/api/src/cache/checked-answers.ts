import { z } from 'zod';

/**
 * Answers read from the cache, each with the schema it was checked against before it was
 * stored: an entry is readable only under the fingerprint of the schema it was written under
 * (entry.ts), and only an answer that passed that schema is written (cached.ts).
 */
const checkedAgainst = new WeakMap<object, z.ZodType>();

/** Notes that `answer`, just read from the cache, passed `schema` before it was stored. */
export function noteCheckedAnswer(answer: unknown, schema: z.ZodType): void {
  if (answer !== null && typeof answer === 'object') checkedAgainst.set(answer, schema);
}

/**
 * The output parser of a procedure whose answers may come from the cache: `schema` itself to
 * the OpenAPI document (the same definition and metadata) and to every computed answer, but an
 * answer read from the cache that passed this very schema before it was stored is sent as read.
 * tRPC's output check walked every hit through the schema a second time: a tenth of a hit's CPU
 * and ~50 KB of its ~180 KB of garbage (docs/BENCHMARKS.md, "The cached tail beside a server
 * that does nothing").
 */
export function cachedAnswerOutput<S extends z.ZodType>(schema: S): S {
  // Everything else (the definition the OpenAPI generator reads, the other parse methods) is the schema's own.
  const parser = Object.create(schema) as S;
  Object.defineProperty(parser, 'parseAsync', {
    // A WeakMap answers undefined for a value that is not an object: such a value is checked.
    value: (value: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>) =>
      checkedAgainst.get(value as object) === schema ? Promise.resolve(value) : schema.parseAsync(value, params),
  });
  const meta = z.globalRegistry.get(schema);
  if (meta) z.globalRegistry.add(parser, meta);
  return parser;
}

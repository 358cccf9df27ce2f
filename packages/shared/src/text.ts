import { z } from 'zod';

/**
 * Text PostgreSQL can store exactly: it refuses NUL in text, and an unpaired UTF-16 surrogate
 * has no UTF-8 form (PostgreSQL refuses it in jsonb, the drivers silently turn it into U+FFFD in
 * text). Such text is refused naming its field rather than failing, or changing, at the database
 * (docs/API_SPEC.md §2).
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern is about
const NO_NUL = /^[^\u0000]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const NO_NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';
export const WELL_FORMED_MESSAGE = 'must be valid Unicode text (no unpaired surrogate code unit)';

/** A code unit either rule is about: text without one is storable after a single scan. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern is about
const NUL_OR_SURROGATE = /[\u0000\uD800-\uDFFF]/;

/** Whether PostgreSQL can store `text` exactly: the rule storableText states to the schema. */
export function isStorableText(text: string): boolean {
  return !NUL_OR_SURROGATE.test(text) || (NO_NUL.test(text) && !LONE_SURROGATE.test(text));
}

/** `schema` refusing NUL (a pattern, so the OpenAPI document shows it) and unpaired surrogates. */
export function storableText(schema: z.ZodString) {
  return schema.regex(NO_NUL, { error: NO_NUL_MESSAGE }).refine((s) => !LONE_SURROGATE.test(s), { error: WELL_FORMED_MESSAGE });
}

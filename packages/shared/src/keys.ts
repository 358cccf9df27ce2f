import { z } from 'zod';
import { storableText } from './text.js';

/**
 * What an API key may do (docs/API_SPEC.md §1): `ingest` sends traces, OTLP and scores; `read`
 * makes every GET; `admin` changes settings, prices, the budget, alerts and keys.
 */
export const KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export const keyScopesSchema = z
  .array(z.enum(KEY_SCOPES, { error: `must be one of ${KEY_SCOPES.join(', ')}` }), { error: 'must be an array of scopes' })
  .min(1, { error: 'must name at least one scope' })
  .max(KEY_SCOPES.length, { error: `must list each scope at most once` })
  .refine((s) => new Set(s).size === s.length, { error: 'must list each scope at most once' })
  // Stored and answered in one order whatever order was sent.
  .transform((s) => KEY_SCOPES.filter((scope) => s.includes(scope)));

const keyName = storableText(z.string().trim().min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' }));

/** A new key's optional name and scopes (every scope when omitted). */
export const newKeyFields = { name: keyName.optional(), scopes: keyScopesSchema.optional() };
export const createWorkspaceKeyInputSchema = z.strictObject(newKeyFields);
export const keyIdPathSchema = z.strictObject({ key_id: z.uuid({ error: 'must be a UUID' }) });
export const keyListInputSchema = z.strictObject({});

const instant = z.iso.datetime();
export const keySummarySchema = z.object({
  key_id: z.uuid(),
  name: z.string().nullable(),
  /** The key's first characters, to tell keys apart: never enough to use it. */
  prefix: z.string(),
  scopes: z.array(z.enum(KEY_SCOPES)),
  created_at: instant,
  last_used_at: instant.nullable(),
  revoked: z.boolean(),
});
export const keyListSchema = z.object({ data: z.array(keySummarySchema) });
/** The answer of creating a key: the key itself, this once. */
export const createdKeySchema = keySummarySchema.extend({ api_key: z.string() });

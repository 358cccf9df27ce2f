import { z } from 'zod';
import { SCORE_SOURCES, SCORE_TYPES } from './scores.js';
import { checkWindow, nameFilter, windowFields, windowOut } from './analytics.js';
import { COST_SOURCES } from './cost-source.js';

/** The trace list, export and sessions of docs/API_SPEC.md §8. */

export const TRACE_STATUSES = ['success', 'error'] as const;
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const PAGE_LIMIT = { min: 1, max: 200, fallback: 50 } as const;

/**
 * A page cursor: base64url of the JSON `[key_ms, key_name, from_ms, to_ms]` — the last row's
 * key (timestamp and trace_id for traces, last_seen and session_id for sessions) and the
 * window of the first page, so following cursors walks one fixed window even for a preset
 * range whose `to` is "now".
 */
export interface PageCursor {
  at: number;
  name: string;
  from: number;
  to: number;
}

export function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.name, c.from, c.to]), 'utf8').toString('base64url');
}

const cursorTuple = z.tuple([z.number().int().nonnegative(), z.string().min(1).max(128), z.number().int().nonnegative(), z.number().int().nonnegative()]);

/** The cursor a page handed out, or undefined for anything else (a 400 naming `cursor`). */
export function decodeCursor(text: string): PageCursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = cursorTuple.safeParse(json);
  if (!parsed.success) return undefined;
  const [at, name, from, to] = parsed.data;
  return from < to ? { at, name, from, to } : undefined;
}

const cursorField = z
  .string()
  .max(512, { error: 'is not a cursor this API handed out' })
  .refine((s) => decodeCursor(s) !== undefined, { error: 'is not a cursor this API handed out' })
  .optional()
  .meta({ description: 'The `next_cursor` of the previous page; omit for the first page' });

const limitField = z
  .number({ error: 'must be an integer' })
  .int({ error: 'must be an integer' })
  .min(PAGE_LIMIT.min, { error: `must be >= ${PAGE_LIMIT.min}` })
  .max(PAGE_LIMIT.max, { error: `must be <= ${PAGE_LIMIT.max}` })
  .default(PAGE_LIMIT.fallback);

/** The filters the trace list and its export add to §3's window and filters. */
const traceFilterFields = {
  ...windowFields,
  user_id: nameFilter(),
  session_id: nameFilter(),
  status: z.enum(TRACE_STATUSES, { error: 'must be success or error' }).optional(),
  error_type: nameFilter(),
};

export const traceListInputSchema = z.strictObject({ ...traceFilterFields, limit: limitField, cursor: cursorField }).superRefine(checkWindow);
export const traceExportInputSchema = z
  .strictObject({ ...traceFilterFields, format: z.enum(EXPORT_FORMATS, { error: 'must be csv or jsonl' }).default('csv') })
  .superRefine(checkWindow);
export const sessionListInputSchema = z
  .strictObject({ ...windowFields, user_id: nameFilter(), limit: limitField, cursor: cursorField })
  .superRefine(checkWindow);
/** Any text: an id that is not a UUID names no trace, a 404 like another workspace's. */
export const traceDetailInputSchema = z.strictObject({ id: z.string() });

export type TraceListInput = z.infer<typeof traceListInputSchema>;
export type TraceFilterInput = Omit<TraceListInput, 'limit' | 'cursor'>;
export type SessionListInput = z.infer<typeof sessionListInputSchema>;

const instant = z.iso.datetime();
const count = z.number().int().nonnegative();

/** One call, as the list and the export show it; the key order is the CSV's column order. */
export const traceItemSchema = z.object({
  id: z.string(),
  trace_id: z.string(),
  timestamp: instant,
  agent_id: z.string(),
  user_id: z.string().nullable(),
  session_id: z.string().nullable(),
  model: z.string(),
  status: z.enum(TRACE_STATUSES),
  latency_ms: z.number(),
  ttft_ms: z.number().nullable(),
  input_tokens: count,
  output_tokens: count,
  cache_read_tokens: count,
  cache_write_tokens: count,
  total_tokens: count,
  cost_usd: z.number(),
  cost_source: z.enum(COST_SOURCES),
  error_type: z.string().nullable(),
  error_message: z.string().nullable(),
  tags: z.array(z.string()),
  safety_flags: z.array(z.string()),
});
export type TraceItem = z.infer<typeof traceItemSchema>;
/** The export's columns: the list item's fields, in order. */
export const TRACE_COLUMNS = Object.keys(traceItemSchema.shape) as Array<keyof TraceItem>;

export const traceListSchema = z.object({ ...windowOut, next_cursor: z.string().nullable(), data: z.array(traceItemSchema) });

export const traceScoreSchema = z.object({
  name: z.string(),
  value: z.union([z.number(), z.boolean(), z.string()]),
  source: z.enum(SCORE_SOURCES),
  comment: z.string().nullable(),
  type: z.enum(SCORE_TYPES),
  updated_at: instant,
});
export const traceDetailSchema = traceItemSchema.extend({
  input: z.string().nullable(),
  output: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  scores: z.array(traceScoreSchema),
});
export type TraceDetail = z.infer<typeof traceDetailSchema>;

export const sessionItemSchema = z.object({
  session_id: z.string(),
  first_seen: instant,
  last_seen: instant,
  calls: count,
  errors: count,
  cost_usd: z.number(),
  total_tokens: count,
  agents: z.array(z.string()),
  users: z.array(z.string()),
});
export const sessionListSchema = z.object({ ...windowOut, next_cursor: z.string().nullable(), data: z.array(sessionItemSchema) });
export type SessionItem = z.infer<typeof sessionItemSchema>;
/** How many agents and users a session names (most calls first). */
export const SESSION_NAMES_SHOWN = 5;

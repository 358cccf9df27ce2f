import { type Database, schema } from '@pulse/db';
import { type TraceDetail, traceScoreSchema, workspaceIdSchema } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { rows } from '../analytics/context.js';
import { instant, num } from '../analytics/decode.js';
import { iso } from '../analytics/window.js';
import { loadPendingRepricing } from '../prices/pending-repricing.js';
import { traceItemColumns, traceItemOf, type TraceItemRow } from './trace-item.js';

const { traces, scores } = schema;

/**
 * The instant a trace id was minted for: ingest makes `traces.id` a UUIDv7 of the call's own
 * timestamp, so the first 48 bits lead to the row through the primary key (workspace,
 * timestamp, id) without an index of its own.
 */
function timestampOfId(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

/** The detail's columns beyond the list item's (which traceItemOf reads). */
const detailRow = z.object({
  input: z.string().nullable(),
  output: z.string().nullable(),
  metadata: z.union([z.record(z.string(), z.unknown()), z.string()]).nullable(),
});

const scoreRow = z.object({
  name: z.string(),
  source: traceScoreSchema.shape.source,
  type: traceScoreSchema.shape.type,
  numeric_value: num.nullable(),
  categorical_value: z.string().nullable(),
  comment: z.string().nullable(),
  updated_at: instant,
});

function scoreValue(r: z.output<typeof scoreRow>): number | boolean | string {
  if (r.type === 'boolean') return r.numeric_value === 1;
  if (r.type === 'categorical') return r.categorical_value ?? '';
  return r.numeric_value ?? 0;
}

/** One trace of the workspace with its texts, metadata and scores; undefined when it has none by that id. */
export async function traceDetail(database: Database, workspaceId: string, id: string): Promise<TraceDetail | undefined> {
  if (!workspaceIdSchema.safeParse(id).success) return undefined;
  const at = timestampOfId(id);
  const [raw] = await database.rows<TraceItemRow>(
    sql`select ${traceItemColumns(await loadPendingRepricing(database.db, workspaceId))}, ${traces.input} as input, ${traces.output} as output, ${traces.metadata} as metadata from ${traces}
        where ${traces.workspaceId} = ${workspaceId}::uuid and ${traces.timestamp} = ${iso(at)}::timestamptz and ${traces.id} = ${id.toLowerCase()}::uuid`,
  );
  if (!raw) return undefined;
  const row = detailRow.parse(raw);
  const scored = await rows(
    { database },
    sql`select ${scores.name} as name, ${scores.source} as source, ${scores.type} as type, ${scores.numericValue} as numeric_value,
          ${scores.categoricalValue} as categorical_value, ${scores.comment} as comment, ${scores.updatedAt} as updated_at
        from ${scores} where ${scores.workspaceId} = ${workspaceId}::uuid and ${scores.traceRowId} = ${id.toLowerCase()}::uuid
        order by ${scores.name} collate "C", ${scores.source}`,
    scoreRow,
  );
  const metadata = typeof row.metadata === 'string' ? (JSON.parse(row.metadata) as Record<string, unknown>) : row.metadata;
  return {
    ...traceItemOf(raw),
    input: row.input,
    output: row.output,
    metadata,
    scores: scored.map((s) => ({ name: s.name, value: scoreValue(s), source: s.source, comment: s.comment, type: s.type, updated_at: iso(s.updated_at) })),
  };
}

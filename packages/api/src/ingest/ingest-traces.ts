import { type Database, pgArray, resultRows, uuidv7 } from '@pulse/db';
import { computeCostNanos, type IngestResponse, traceInputSchema, usdToNanos } from '@pulse/shared';
import { sql } from 'drizzle-orm';
import { issuePath } from '../http/errors.js';

/** A validated trace, normalised to what is stored. */
export interface TraceRow {
  id: string;
  traceId: string;
  timestampMs: number;
  agentId: string;
  userId: string | null;
  model: string;
  isError: 0 | 1;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costNanos: bigint;
  costEstimated: 0 | 1;
  errorType: string | null;
  errorMessage: string | null;
  metadata: string | null;
}

type Rejected = IngestResponse['rejected'][number];

interface Validated {
  rows: TraceRow[];
  rejected: Rejected[];
  /** Repeats inside the batch itself: counted as duplicates, never sent to the database. */
  inBatchDuplicates: number;
  unknownModels: Set<string>;
}

/** Validates every item on its own, so one bad trace does not sink its batch (207). */
export function validateTraces(items: readonly unknown[]): Validated {
  const rows: TraceRow[] = [];
  const rejected: Rejected[] = [];
  const seen = new Set<string>();
  const unknownModels = new Set<string>();
  let inBatchDuplicates = 0;

  items.forEach((item, index) => {
    const rawTraceId =
      item && typeof item === 'object' && typeof (item as { trace_id?: unknown }).trace_id === 'string'
        ? ((item as { trace_id: string }).trace_id)
        : null;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      rejected.push({ index, trace_id: null, errors: ['trace: must be an object'] });
      return;
    }
    const parsed = traceInputSchema.safeParse(item);
    if (!parsed.success) {
      rejected.push({
        index,
        trace_id: rawTraceId,
        errors: parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`),
      });
      return;
    }
    const t = parsed.data;
    const timestampMs = Date.parse(t.timestamp);
    // Instants, not strings: "…T10:00:00Z" and "…T12:00:00+02:00" are the same trace.
    const dedupeKey = `${t.trace_id}\u0000${timestampMs}`;
    if (seen.has(dedupeKey)) {
      inBatchDuplicates++;
      return;
    }
    seen.add(dedupeKey);

    const inputTokens = t.input_tokens ?? 0;
    const outputTokens = t.output_tokens ?? 0;
    let costNanos: bigint;
    let costEstimated: 0 | 1 = 0;
    if (t.cost_usd !== undefined) {
      costNanos = usdToNanos(t.cost_usd);
    } else {
      const priced = computeCostNanos(t.model, inputTokens, outputTokens);
      costNanos = priced.costNanos;
      costEstimated = 1;
      if (!priced.known) unknownModels.add(t.model);
    }
    const isError = t.status === 'error' ? 1 : 0;
    rows.push({
      id: uuidv7(timestampMs),
      traceId: t.trace_id,
      timestampMs,
      agentId: t.agent_id,
      userId: t.user_id ?? null,
      model: t.model,
      isError,
      latencyMs: t.latency_ms,
      inputTokens,
      outputTokens,
      costNanos,
      costEstimated,
      errorType: isError ? (t.error_type ?? 'unknown') : (t.error_type ?? null),
      errorMessage: t.error_message ?? null,
      metadata: t.metadata == null ? null : JSON.stringify(t.metadata),
    });
  });
  return { rows, rejected, inBatchDuplicates, unknownModels };
}

/**
 * Stores the rows in one statement and one transaction: either every new row is stored
 * or none is. Rows whose (trace_id, timestamp) already exist are skipped by the unique
 * index, which also settles races between concurrent batches. Exactly the new rows are
 * queued in rollup_pending for the folder (fold.ts). Returns how many were new.
 */
export async function insertTraces(database: Database, workspaceId: string, rows: readonly TraceRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = (pick: (r: TraceRow) => string | number | bigint | null) => sql.param(pgArray(rows.map(pick)));
  // One statement is one transaction: no BEGIN/COMMIT round trips needed for atomicity.
  const result = await database.db.execute(sql`
      with ins as (
      insert into traces (workspace_id, id, trace_id, "timestamp", agent_id, user_id, model, is_error,
                          latency_ms, input_tokens, output_tokens, cost_nanos, cost_estimated,
                          error_type, error_message, metadata)
      select ${workspaceId}::uuid, u.id, u.trace_id, u.ts, u.agent_id, u.user_id, u.model, u.is_error,
             u.latency_ms, u.input_tokens, u.output_tokens, u.cost_nanos, u.cost_estimated,
             u.error_type, u.error_message, u.metadata::jsonb
      from unnest(
        ${col((r) => r.id)}::uuid[], ${col((r) => r.traceId)}::text[],
        ${col((r) => new Date(r.timestampMs).toISOString())}::timestamptz[],
        ${col((r) => r.agentId)}::text[], ${col((r) => r.userId)}::text[], ${col((r) => r.model)}::text[],
        ${col((r) => r.isError)}::smallint[], ${col((r) => r.latencyMs)}::float8[],
        ${col((r) => r.inputTokens)}::int[], ${col((r) => r.outputTokens)}::int[],
        ${col((r) => r.costNanos)}::bigint[], ${col((r) => r.costEstimated)}::smallint[],
        ${col((r) => r.errorType)}::text[], ${col((r) => r.errorMessage)}::text[], ${col((r) => r.metadata)}::text[]
      ) as u(id, trace_id, ts, agent_id, user_id, model, is_error, latency_ms, input_tokens, output_tokens,
             cost_nanos, cost_estimated, error_type, error_message, metadata)
      on conflict (workspace_id, trace_id, "timestamp") do nothing
      returning workspace_id, "timestamp", agent_id, user_id, model, is_error, latency_ms, input_tokens,
                output_tokens, cost_nanos, error_type, error_message),
      pending as (
        insert into rollup_pending (workspace_id, "timestamp", agent_id, user_id, model, is_error, latency_ms,
                                    input_tokens, output_tokens, cost_nanos, error_type, error_message)
        select * from ins)
      select count(*)::int as accepted from ins`);
  return Number(resultRows<{ accepted: number }>(result)[0]?.accepted ?? 0);
}

/** Contract §2 ingest: validate, price, de-duplicate, store atomically, report per item. */
export async function ingestTraces(database: Database, workspaceId: string, items: readonly unknown[]): Promise<IngestResponse> {
  const { rows, rejected, inBatchDuplicates, unknownModels } = validateTraces(items);
  const accepted = await insertTraces(database, workspaceId, rows);
  return {
    accepted,
    duplicates: inBatchDuplicates + (rows.length - accepted),
    rejected,
    unknown_models: [...unknownModels].sort(),
  };
}

import { bare, bareList, columnsOf, type Database, pgArray, resultRows, schema, uuidv7 } from '@pulse/db';
import { computeCostNanos, type CostSource, type IngestResponse, traceInputSchema, usdToNanos } from '@pulse/shared';
import { getTableColumns, sql } from 'drizzle-orm';
import { retryOnConflict } from '../db/retry-transaction.js';
import { issuePath } from '../http/errors.js';
import { scanTrace } from '../safety/scan.js';

const { traces, rollupPending } = schema;

/**
 * A validated trace, normalised to what is stored: every column of `traces` but the
 * workspace (the API key's) and received_at (the database's clock). Metadata is JSON text.
 */
type StoredTrace = Required<Omit<typeof traces.$inferInsert, 'workspaceId' | 'receivedAt'>>;

/** The columns a batch sets, in the schema's order. */
const STORED_COLUMNS = Object.entries(getTableColumns(traces)).filter(([key]) => key !== 'workspaceId' && key !== 'receivedAt') as Array<
  [keyof StoredTrace, (typeof traces)['_']['columns'][keyof StoredTrace]]
>;

/** The unique index that makes ingest idempotent; the workspace comes first. */
const IDEMPOTENCY_KEY = [traces.workspaceId, traces.traceId, traces.timestamp];
/** The columns of rollup_pending's index (the queue has no unique key). */
const PENDING_ORDER = [rollupPending.workspaceId, rollupPending.timestamp];

type Rejected = IngestResponse['rejected'][number];

interface Validated {
  rows: StoredTrace[];
  rejected: Rejected[];
  /** Repeats inside the batch itself: counted as duplicates, never sent to the database. */
  inBatchDuplicates: number;
  unknownModels: Set<string>;
}

/** What ingest does with the workspace's settings (docs/API_SPEC.md §12), read once per batch. */
export interface IngestOptions {
  /** Replace what the detectors find in input and output before it is stored. */
  redactPii: boolean;
}

/**
 * Validates every item on its own, so one bad trace does not sink its batch (207), and runs
 * the safety detectors over its texts: only the redacted texts, when redaction is on, leave here.
 */
function validateTraces(items: readonly unknown[], options: IngestOptions): Validated {
  const rows: StoredTrace[] = [];
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
    let costSource: CostSource = 'provided';
    if (t.cost_usd !== undefined) {
      costNanos = usdToNanos(t.cost_usd);
    } else {
      const priced = computeCostNanos(t.model, inputTokens, outputTokens);
      costNanos = priced.costNanos;
      costSource = priced.known ? 'catalog' : 'unpriced';
      if (!priced.known) unknownModels.add(t.model);
    }
    const isError = t.status === 'error' ? 1 : 0;
    const scanned = scanTrace(t.input ?? null, t.output ?? null, options.redactPii);
    rows.push({
      id: uuidv7(timestampMs),
      traceId: t.trace_id,
      timestamp: new Date(timestampMs),
      agentId: t.agent_id,
      userId: t.user_id ?? null,
      model: t.model,
      isError,
      latencyMs: t.latency_ms,
      inputTokens,
      outputTokens,
      costNanos,
      costSource,
      safetyFlags: JSON.stringify(scanned.flags),
      errorType: isError ? (t.error_type ?? 'unknown') : (t.error_type ?? null),
      errorMessage: t.error_message ?? null,
      metadata: t.metadata == null ? null : JSON.stringify(t.metadata),
      sessionId: t.session_id ?? null,
      tags: JSON.stringify(t.tags ?? []),
      cacheReadTokens: t.cache_read_tokens ?? 0,
      cacheWriteTokens: t.cache_write_tokens ?? 0,
      ttftMs: t.ttft_ms ?? null,
      input: scanned.input,
      output: scanned.output,
    });
  });
  return { rows, rejected, inBatchDuplicates, unknownModels };
}

/**
 * Stores the rows in one statement and one transaction: either every new row is stored
 * or none is. Rows whose (trace_id, timestamp) already exist are skipped by the unique
 * index, which also settles races between concurrent batches. Exactly the new rows are
 * queued in rollup_pending for the folder (rollups/fold.ts). Returns how many were new.
 *
 * Rows are inserted in the order of the unique key, and queued in the order of the queue's
 * index: two batches that share traces then wait for each other's keys in the same order,
 * never in a cycle, so they cannot deadlock (docs/API_SPEC.md §2).
 */
async function insertTraces(database: Database, workspaceId: string, rows: readonly StoredTrace[]): Promise<number> {
  if (rows.length === 0) return 0;
  // One array parameter per column, each cast to the column's type: one parameter list whatever the batch size.
  const arrays = STORED_COLUMNS.map(([key, column]) => {
    const values = rows.map((r) => {
      const v = r[key] as string | number | bigint | Date | null;
      return v instanceof Date ? v.toISOString() : v;
    });
    return sql`${sql.param(pgArray(values))}::${sql.raw(column.getSQLType())}[]`;
  });
  const queued = columnsOf(rollupPending);
  // One statement is one transaction: no BEGIN/COMMIT round trips needed for atomicity.
  const result = await database.db.execute(sql`
      with ins as (
      insert into ${traces} (${bare(traces.workspaceId)}, ${bareList(STORED_COLUMNS.map(([, column]) => column))})
      select ${workspaceId}::uuid, u.* from unnest(${sql.join(arrays, sql`, `)}) as u (${bareList(STORED_COLUMNS.map(([, column]) => column))})
      order by ${bareList(IDEMPOTENCY_KEY.slice(1))}
      on conflict (${bareList(IDEMPOTENCY_KEY)}) do nothing
      returning ${bareList(queued)}),
      pending as (insert into ${rollupPending} (${bareList(queued)}) select * from ins order by ${bareList(PENDING_ORDER)})
      select count(*)::int as accepted from ins`);
  return Number(resultRows<{ accepted: number }>(result)[0]?.accepted ?? 0);
}

/**
 * Ingest (docs/API_SPEC.md §2): validate, price, flag and redact (§12), de-duplicate, store
 * atomically, report per item.
 */
export async function ingestTraces(
  database: Database,
  workspaceId: string,
  items: readonly unknown[],
  options: IngestOptions,
): Promise<IngestResponse> {
  const { rows, rejected, inBatchDuplicates, unknownModels } = validateTraces(items, options);
  // One statement is one transaction: a retry re-runs all of it, and `accepted` is the count
  // of the run that committed, so duplicates are counted as if no conflict had happened.
  const accepted = await retryOnConflict(() => insertTraces(database, workspaceId, rows));
  return {
    accepted,
    duplicates: inBatchDuplicates + (rows.length - accepted),
    rejected,
    unknown_models: [...unknownModels].sort(),
  };
}

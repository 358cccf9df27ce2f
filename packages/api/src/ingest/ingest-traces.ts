import { bare, bareList, columnsOf, type Database, arrayParam, resultRows, schema, uuidv7 } from '@pulse/db';
import { callCostNanos, type IngestResponse, quickParseTrace, traceInputSchema, usdToNanos } from '@pulse/shared';
import { getTableColumns, sql } from 'drizzle-orm';
import { retryOnConflict } from '../db/retry-transaction.js';
import { issuePath } from '../http/errors.js';
import { loadOverrides, priceInForce, type Tx } from '../prices/overrides.js';
import { lockPricesShared } from '../prices/price-lock.js';
import { scanTrace } from '../safety/scan.js';

const { traces, rollupPending, traceTags } = schema;

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
/** trace_tags' columns in the order the insert's select lists them. */
const TAG_COLUMNS = [traceTags.workspaceId, traceTags.tag, traceTags.timestamp, traceTags.traceId];
/** The columns of rollup_pending's index (the queue has no unique key). */
const PENDING_ORDER = [rollupPending.workspaceId, rollupPending.timestamp];

type Rejected = IngestResponse['rejected'][number];

interface Validated {
  rows: StoredTrace[];
  rejected: Rejected[];
  /** Repeats inside the batch itself: counted as duplicates, never sent to the database. */
  inBatchDuplicates: number;
  /** The rows without a client cost: priced from the workspace's prices when stored. */
  toPrice: StoredTrace[];
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
  const toPrice: StoredTrace[] = [];
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
    // The common, plainly valid trace skips the schema's slower walk; the schema decides the rest.
    const quick = quickParseTrace(item);
    const parsed = quick ? { success: true as const, data: quick } : traceInputSchema.safeParse(item);
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

    const isError = t.status === 'error' ? 1 : 0;
    const scanned = scanTrace(t.input ?? null, t.output ?? null, options.redactPii);
    const row: StoredTrace = {
      id: uuidv7(timestampMs),
      traceId: t.trace_id,
      timestamp: new Date(timestampMs),
      agentId: t.agent_id,
      userId: t.user_id ?? null,
      model: t.model,
      isError,
      latencyMs: t.latency_ms,
      inputTokens: t.input_tokens ?? 0,
      outputTokens: t.output_tokens ?? 0,
      // A client cost is stored as sent; the others are priced under the price lock (priceRows).
      costNanos: t.cost_usd === undefined ? 0n : usdToNanos(t.cost_usd),
      costSource: t.cost_usd === undefined ? 'unpriced' : 'provided',
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
    };
    rows.push(row);
    if (t.cost_usd === undefined) toPrice.push(row);
  });
  return { rows, rejected, inBatchDuplicates, toPrice };
}

/**
 * Prices the rows without a client cost with the workspace's prices in force at each call's
 * timestamp (docs/API_SPEC.md §9); returns the models nothing priced.
 */
async function priceRows(tx: Tx, workspaceId: string, toPrice: readonly StoredTrace[]): Promise<Set<string>> {
  const overrides = await loadOverrides(tx, workspaceId, [...new Set(toPrice.map((r) => r.model))]);
  const unknownModels = new Set<string>();
  for (const row of toPrice) {
    const { prices, source } = priceInForce(row.model, row.timestamp.getTime(), overrides.get(row.model));
    row.costSource = source;
    row.costNanos = prices ? callCostNanos(prices, row) : 0n;
    if (!prices) unknownModels.add(row.model);
  }
  return unknownModels;
}

/**
 * Stores the rows in one statement of the caller's transaction: either every new row is stored
 * or none is. Rows whose (trace_id, timestamp) already exist are skipped by the unique
 * index, which also settles races between concurrent batches. Exactly the new rows are
 * queued in rollup_pending for the folder (rollups/fold.ts). Returns how many were new.
 *
 * Rows are inserted in the order of the unique key, and queued in the order of the queue's
 * index: two batches that share traces then wait for each other's keys in the same order,
 * never in a cycle, so they cannot deadlock (docs/API_SPEC.md §2). The new rows' tags go to
 * trace_tags in the same statement: a duplicate, skipped above, adds none, so each call has
 * exactly one row per tag there (no conflict is possible, the calls' key being part of its key).
 */
async function insertTraces(tx: Tx, workspaceId: string, rows: readonly StoredTrace[]): Promise<number> {
  if (rows.length === 0) return 0;
  // One array parameter per column, each cast to the column's type: one parameter list whatever the batch size.
  const arrays = STORED_COLUMNS.map(([key, column]) => {
    const values = rows.map((r) => {
      const v = r[key] as string | number | bigint | Date | null;
      return v instanceof Date ? v.toISOString() : v;
    });
    return arrayParam(values, column.getSQLType());
  });
  const queued = columnsOf(rollupPending);
  // What the queue copies from each new call (its tags among them), and its trace_id for trace_tags.
  const returned = [...queued, traces.traceId];
  const result = await tx.execute(sql`
      with ins as (
      insert into ${traces} (${bare(traces.workspaceId)}, ${bareList(STORED_COLUMNS.map(([, column]) => column))})
      select ${workspaceId}::uuid, u.* from unnest(${sql.join(arrays, sql`, `)}) as u (${bareList(STORED_COLUMNS.map(([, column]) => column))})
      order by ${bareList(IDEMPOTENCY_KEY.slice(1))}
      on conflict (${bareList(IDEMPOTENCY_KEY)}) do nothing
      returning ${bareList(returned)}),
      pending as (insert into ${rollupPending} (${bareList(queued)}) select ${bareList(queued)} from ins order by ${bareList(PENDING_ORDER)}),
      tagged as (insert into ${traceTags} (${bareList(TAG_COLUMNS)})
        select ins.${bare(traces.workspaceId)}, carried.tag, ins.${bare(traces.timestamp)}, ins.${bare(traces.traceId)}
        from ins cross join lateral jsonb_array_elements_text(ins.${bare(traces.tags)}) as carried(tag))
      select count(*)::int as accepted from ins`);
  return Number(resultRows<{ accepted: number }>(result)[0]?.accepted ?? 0);
}

/**
 * Ingest (docs/API_SPEC.md §2): validate, flag and redact (§12), price (§9), de-duplicate, store
 * atomically, report per item.
 */
export async function ingestTraces(
  database: Database,
  workspaceId: string,
  items: readonly unknown[],
  options: IngestOptions,
): Promise<IngestResponse> {
  const { rows, rejected, inBatchDuplicates, toPrice } = validateTraces(items, options);
  if (rows.length === 0) return { accepted: 0, duplicates: inBatchDuplicates, rejected, unknown_models: [] };
  // One transaction under the workspace's price lock (shared): the rows are priced and stored
  // with the prices no change can replace before they commit. A retry re-runs all of it, and
  // `accepted` is the count of the run that committed, so duplicates are counted as if no
  // conflict had happened.
  let unknownModels = new Set<string>();
  const accepted = await retryOnConflict(() =>
    database.db.transaction(async (tx) => {
      await lockPricesShared(tx, workspaceId);
      unknownModels = await priceRows(tx, workspaceId, toPrice);
      return insertTraces(tx, workspaceId, rows);
    }),
  );
  return {
    accepted,
    duplicates: inBatchDuplicates + (rows.length - accepted),
    rejected,
    unknown_models: [...unknownModels].sort(),
  };
}

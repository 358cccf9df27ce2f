/**
 * The timed load: every batch of the dataset file through POST /api/v1/traces with the key
 * of its workspace, `concurrency` batches in flight. The acknowledged clock stops at the last
 * 200; when the server reports its rollup backlog (`rollups.pending_rows` in GET /api/ready),
 * the folded clock runs on until the backlog is 0 (polled every 100 ms), so the throughput
 * includes the rollup maintenance either way.
 */
import { pendingRollupRows, postTraceBatch, type Workspace } from './client.js';
import { type Batch, readBatches } from './dataset.js';
import { every, fmt, log } from './progress.js';

export interface IngestResult {
  traces: number;
  accepted: number;
  duplicates: number;
  batches: number;
  concurrency: number;
  acknowledgedSeconds: number;
  acknowledgedPerSecond: number;
  /** Whether GET /api/ready reported rollups.pending_rows (asynchronous folding). */
  pendingReported: boolean;
  /** Backlog at the last acknowledgement (null when not reported). */
  pendingAtLastAck: number | null;
  foldedSeconds: number;
  foldedPerSecond: number;
}

/**
 * Polls GET /api/ready every 100 ms until its rollup backlog is 0; `seconds` is the caller's
 * clock, read when the backlog is empty (it is read at once when the server reports none).
 */
export async function waitUntilFolded(
  base: string,
  phase: string,
  seconds: () => number,
): Promise<{ pendingAtLastAck: number | null; foldedSeconds: number }> {
  let pending = await pendingRollupRows(base);
  const pendingAtLastAck = pending ?? null;
  if (pending === undefined) {
    log(phase, 'GET /api/ready reports no rollups.pending_rows: folding is part of each acknowledged batch');
    return { pendingAtLastAck, foldedSeconds: seconds() };
  }
  let lastLog = performance.now();
  while (pending !== undefined && pending > 0) {
    await new Promise((r) => setTimeout(r, 100));
    pending = await pendingRollupRows(base);
    if (performance.now() - lastLog > 5000) {
      log(phase, `waiting for the rollups: ${fmt(pending ?? 0)} rows pending, ${seconds().toFixed(1)} s`);
      lastLog = performance.now();
    }
  }
  const foldedSeconds = seconds();
  log(phase, `rollups folded (backlog was ${fmt(pendingAtLastAck ?? 0)} rows at the last acknowledgement): ${foldedSeconds.toFixed(1)} s`);
  return { pendingAtLastAck, foldedSeconds };
}

export async function loadDataset(
  base: string,
  file: string,
  workspaces: Workspace[],
  totalTraces: number,
  concurrency: number,
): Promise<IngestResult> {
  const source = readBatches(file);
  // One reader, several senders: take the next line strictly one after another.
  let queue: Promise<IteratorResult<Batch>> = Promise.resolve({ done: false, value: undefined as never });
  const nextBatch = () => (queue = queue.then(() => source.next()));
  let sent = 0;
  let accepted = 0;
  let duplicates = 0;
  let batches = 0;

  log('ingest', `sending ${fmt(totalTraces)} traces, ${concurrency} batches in flight`);
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const stopProgress = every(5000, () =>
    log('ingest', `${fmt(accepted)} of ${fmt(totalTraces)} traces stored, ${seconds().toFixed(1)} s, ${fmt(accepted / seconds())} traces/s`),
  );
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let r = await nextBatch(); !r.done; r = await nextBatch()) {
          const { workspace, count, body } = r.value;
          const answer = await postTraceBatch(base, workspaces[workspace]!.api_key, body);
          sent += count;
          accepted += answer.accepted;
          duplicates += answer.duplicates;
          batches++;
        }
      }),
    );
  } finally {
    stopProgress();
  }
  const acknowledgedSeconds = seconds();
  log('ingest', `last batch acknowledged: ${fmt(accepted)} traces stored in ${acknowledgedSeconds.toFixed(1)} s`);

  const { pendingAtLastAck, foldedSeconds } = await waitUntilFolded(base, 'ingest', seconds);
  return {
    traces: sent,
    accepted,
    duplicates,
    batches,
    concurrency,
    acknowledgedSeconds,
    acknowledgedPerSecond: accepted / acknowledgedSeconds,
    pendingReported: pendingAtLastAck !== null,
    pendingAtLastAck,
    foldedSeconds,
    foldedPerSecond: accepted / foldedSeconds,
  };
}

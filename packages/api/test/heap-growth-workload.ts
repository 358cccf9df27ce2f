/**
 * The allocation pattern of a busy server, run as a child process by heap-growth.test.ts: a
 * live set that stays, and batches that live for a while (as an ingest batch does while its
 * statements run) and then become garbage. Prints the peak heap reserved, in MB.
 */
import { limitHeapGrowth } from '../src/heap-growth.js';

limitHeapGrowth(Number(process.argv[2]));
const live = Array.from({ length: 300_000 }, (_, i) => ({ i, s: `live-${i}` }));
const inFlight: unknown[][] = [];
let peak = 0;
for (let n = 0; n < 600; n++) {
  inFlight.push(Array.from({ length: 10_000 }, (_, i) => ({ n, i, s: `batch-${n}-${i}` })));
  if (inFlight.length > 20) inFlight.shift();
  if (n % 20 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
}
process.stdout.write(JSON.stringify({ peakMB: Math.round(peak / 1e6), live: live.length }));

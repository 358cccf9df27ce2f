import { setFlagsFromString } from 'node:v8';

/**
 * Lets V8's heap grow at most `percent` % past what its last full collection kept before it
 * collects again (0: V8's own choice). Left to itself V8 grows a busy server's heap up to 4×
 * what is live, and the garbage of ingest batches in flight filled that room: an ingest of
 * 200,000 calls and 600,000 spans peaked at 350–373 MB of RSS on V8's own choice, 265–286 MB at
 * 100 % for the same CPU time, 239–251 MB at 50 % for 8–10 % more (docs/BENCHMARKS.md, "Heap
 * growth"). V8 reads the flag at every full collection, so setting it once at start-up holds for
 * the process.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

import { hash } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import { awaitLease } from './await-lease.js';
import { noteCheckedAnswer } from './checked-answers.js';
import { entryFormat } from './entry.js';
import type { Cache, VersionedKey } from './cache.js';

export type CacheClass = 'overview' | 'detail';

/** How an answer was found: in the cache, computed, or computed because the caller asked to skip the cache. */
export type CacheOutcome = 'HIT' | 'MISS' | 'BYPASS';

/** Cache lifetimes: 5 min for overviews, 2 min for series and tables, 1 min for 1h windows. */
function ttlFor(kind: CacheClass, input: { range?: string }): number {
  if (input.range === '1h') return 60;
  return kind === 'overview' ? 300 : 120;
}

function stableKey(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableKey(v)}`).join(',')}}`;
}

/** Whose answer is looked up, whether the caller asked to skip the cache, and who hears how it was found. */
interface CacheScope {
  cache: Cache;
  logger: Logger;
  workspaceId: string;
  bypass: boolean;
  /** Told before an uncached answer is computed (so a failure is reported too), or once a hit or miss is known. */
  onOutcome(outcome: CacheOutcome): void;
  /**
   * Runs a computation in its turn (the API key's DB_CONCURRENCY_PER_KEY), telling it whether it
   * waited for one: a flight that waited looks its answer up again before it computes.
   */
  turn<T>(task: (waited: boolean) => Promise<T>): Promise<T>;
}

/**
 * A cached answer, if it is still one (entry.ts: stored under the answer schema's fingerprint,
 * and JSON). Anything else (a truncated write, another release's shape, a foreign value under
 * our key) is evicted and logged once, and the answer is recomputed: a bad entry never reaches
 * the client.
 */
async function readEntry<S extends z.ZodType>(scope: CacheScope, key: string, hit: string | undefined, name: string, schema: S): Promise<z.output<S> | undefined> {
  if (hit === undefined) return undefined;
  const read = entryFormat(schema).read(hit);
  if ('answer' in read) {
    noteCheckedAnswer(read.answer, schema);
    return read.answer as z.output<S>;
  }
  scope.logger.warn({ workspaceId: scope.workspaceId, procedure: name, reason: read.unreadable }, 'cache entry unreadable; evicted and recomputed');
  await scope.cache.delete(key);
  return undefined;
}

/** An answer being found for one cache key in this process, and how (known before it is computed). */
interface Flight {
  outcome: Promise<'HIT' | 'MISS'>;
  answer: Promise<unknown>;
}

/**
 * Answers waiting for their turn, by answer (workspace, procedure and input) whatever the data
 * version: a miss joins the one waiting, since it will look the version up and read the database
 * only when its turn comes, after every write the joiner has seen. While a workspace ingests,
 * the version moves on every batch, and a flight per version would queue a computation for each.
 */
const queued = new Map<string, Flight>();

/**
 * Answers being computed in this process, by versioned cache key: concurrent identical misses
 * (twenty dashboards refreshing after the same ingest) share one computation instead of each
 * running the same queries (single flight). Entries leave when their answer settles.
 */
const inFlight = new Map<string, Flight>();

/**
 * The answer for a missed key, found in its turn: looked up again if the turn was waited for
 * (another flight may have stored it, or the version moved on meanwhile), then computed and
 * stored under the version it was computed at. With Redis, across replicas too: the replica that takes the key's lease
 * computes and stores it, the others wait for it and read it (a HIT), and one that cannot wait (the
 * holder failed or died, or the wait passed a lease's length) computes itself.
 */
function fly<S extends z.ZodType>(
  scope: CacheScope,
  slot: VersionedKey,
  missed: { key: string },
  name: string,
  schema: S,
  ttl: number,
  compute: () => Promise<z.input<S>>,
): Flight {
  const answerKey = slot.before + slot.after;
  let decide!: (outcome: 'HIT' | 'MISS') => void;
  const outcome = new Promise<'HIT' | 'MISS'>((resolve) => (decide = resolve));
  const flight: Flight = { outcome, answer: Promise.resolve() };
  const inTurn = async (waited: boolean): Promise<z.input<S>> => {
    if (queued.get(answerKey) === flight) queued.delete(answerKey);
    // Without a wait nothing was missed since the lookup: a miss alone costs no second one.
    const found = waited ? await scope.cache.lookup(scope.workspaceId, slot) : { ...missed, value: undefined };
    if (found === undefined) {
      decide('MISS');
      return compute();
    }
    const { key } = found;
    const stored = await readEntry(scope, key, found.value, name, schema);
    if (stored !== undefined) {
      decide('HIT');
      return stored as z.input<S>;
    }
    inFlight.set(key, flight);
    try {
      return await computeAndStore(scope, key, name, schema, ttl, compute, decide);
    } finally {
      if (inFlight.get(key) === flight) inFlight.delete(key);
    }
  };
  queued.set(answerKey, flight);
  flight.answer = scope.turn(inTurn);
  // Whatever ended the flight before it was decided (Redis or a check failing) is a computation's failure.
  void flight.answer.catch(() => undefined).finally(() => {
    if (queued.get(answerKey) === flight) queued.delete(answerKey);
    decide('MISS');
  });
  return flight;
}

/** Computes a missed answer and stores it at `key` (holding its lease when the cache has leases). */
async function computeAndStore<S extends z.ZodType>(
  scope: CacheScope,
  key: string,
  name: string,
  schema: S,
  ttl: number,
  compute: () => Promise<z.input<S>>,
  decide: (outcome: 'HIT' | 'MISS') => void,
): Promise<z.input<S>> {
  const leases = scope.cache.leases;
  const next = leases ? await awaitLease(leases, key) : { compute: true as const };
  if ('answer' in next) {
    const hit = await readEntry(scope, key, next.answer, name, schema);
    if (hit !== undefined) {
      decide('HIT');
      return hit as z.input<S>;
    }
  }
  decide('MISS');
  const token = 'token' in next ? next.token : undefined;
  let value: z.input<S>;
  try {
    value = await compute();
  } catch (err) {
    if (token !== undefined) await leases?.release(key, token);
    throw err;
  }
  // Checked once here, so a hit needs no check of its own (entry.ts); an answer that does not
  // fit is not stored, and tRPC's output parser fails its request.
  const checked = schema.safeParse(value);
  if (!checked.success) {
    if (token !== undefined) await leases?.release(key, token);
    return value;
  }
  const entry = entryFormat(schema).write(checked.data);
  if (token !== undefined) await leases?.fulfil(key, token, entry, ttl);
  else await scope.cache.set(key, entry, ttl);
  return value;
}

/**
 * A workspace's answer through the cache. The key holds the workspace's data version, which
 * every ingest and budget change bumps, so a cached answer never outlives a write.
 */
export async function cached<S extends z.ZodType>(
  scope: CacheScope,
  name: string,
  input: Record<string, unknown>,
  kind: CacheClass,
  schema: S,
  compute: () => Promise<z.input<S>>,
): Promise<z.input<S>> {
  if (scope.bypass) {
    scope.onOutcome('BYPASS');
    return scope.turn(() => compute());
  }
  // A preset window ends "now": its answer may be reused for at most a minute of clock
  // time, so its from/to stay close to the present whatever the TTL.
  const ttl = ttlFor(kind, input);
  const epoch = input.range && input.range !== 'custom' ? Math.floor(Date.now() / (Math.min(ttl, 60) * 1000)) : 0;
  const digest = hash('sha1', `${epoch}|${stableKey(input)}`, 'base64url');
  const slot = { before: `pulse:q:${scope.workspaceId}:`, after: `:${name}:${digest}` };
  const found = await scope.cache.lookup(scope.workspaceId, slot);
  if (found === undefined) {
    scope.onOutcome('MISS');
    return scope.turn(() => compute());
  }
  const { key } = found;
  const hit = await readEntry(scope, key, found.value, name, schema);
  if (hit !== undefined) {
    scope.onOutcome('HIT');
    return hit as z.input<S>;
  }
  // A flight still waiting for its turn will read after this request's writes; one computing
  // already serves this version.
  const flight = queued.get(slot.before + slot.after) ?? inFlight.get(key) ?? fly(scope, slot, found, name, schema, ttl, compute);
  // Callers that joined share the flight's outcome: HIT when it found another's answer stored.
  scope.onOutcome(await flight.outcome);
  return flight.answer as Promise<z.input<S>>;
}

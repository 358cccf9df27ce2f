import { postgresRunner, type SqlRunner } from './baseline.js';

/**
 * What PostgreSQL wrote to its write-ahead log while a load ran, per trace stored. Unlike a rate,
 * these counts do not depend on what else the machine is doing: they measure what each trace
 * costs the database (a heap row and an entry in every index of `traces`, the fold's queue row
 * and its delete, the rollup upserts) and how many pages were written whole after a checkpoint
 * (full-page images: the price of indexes whose inserts land on pages all over the index, paid
 * again after every checkpoint). pg_stat_wal counts the whole server: run it where nothing else
 * writes.
 */
export interface WalPerTrace {
  records: number;
  fullPageImages: number;
  bytes: number;
}

export interface WalCounters {
  records: bigint;
  fullPageImages: bigint;
  bytes: bigint;
}

/** The server settings that decide how often pages are written whole, printed beside the figures. */
export interface WalSettings {
  sharedBuffers: string;
  maxWalSize: string;
  checkpointTimeout: string;
  walCompression: string;
}

export async function walCounters(runner: SqlRunner): Promise<WalCounters> {
  const [row] = await runner.query('select wal_records::text as r, wal_fpi::text as f, wal_bytes::text as b from pg_stat_wal', []);
  return { records: BigInt(String(row?.r ?? 0)), fullPageImages: BigInt(String(row?.f ?? 0)), bytes: BigInt(String(row?.b ?? 0)) };
}

export async function walSettings(runner: SqlRunner): Promise<WalSettings> {
  const setting = async (name: string) => String((await runner.query(`select current_setting('${name}') as v`, []))[0]?.v ?? '?');
  return {
    sharedBuffers: await setting('shared_buffers'),
    maxWalSize: await setting('max_wal_size'),
    checkpointTimeout: await setting('checkpoint_timeout'),
    walCompression: await setting('wal_compression'),
  };
}

export function walPerTrace(before: WalCounters, after: WalCounters, traces: number): WalPerTrace {
  const per = (a: bigint, b: bigint, digits: number) => Math.round((Number(b - a) / traces) * 10 ** digits) / 10 ** digits;
  return {
    records: per(before.records, after.records, 2),
    fullPageImages: per(before.fullPageImages, after.fullPageImages, 3),
    bytes: per(before.bytes, after.bytes, 0),
  };
}

export function describeWal(w: WalPerTrace, s: WalSettings): string {
  return (
    `${w.records} WAL records, ${w.fullPageImages} full-page images, ${w.bytes.toLocaleString('en-US')} bytes per trace ` +
    `(shared_buffers ${s.sharedBuffers}, max_wal_size ${s.maxWalSize}, checkpoint_timeout ${s.checkpointTimeout}, wal_compression ${s.walCompression})`
  );
}

export interface WalOfLoad {
  perTrace: WalPerTrace;
  settings: WalSettings;
}

/**
 * Runs a load and, on PostgreSQL (a database URL), what it wrote to the log per trace it
 * stored; null on the embedded database, which has no pg_stat_wal worth reading.
 */
export async function withWalAccounting<T>(
  databaseUrl: string | undefined,
  load: () => Promise<T>,
  tracesStored: (result: T) => number,
): Promise<{ result: T; wal: WalOfLoad | null }> {
  if (!databaseUrl) return { result: await load(), wal: null };
  const runner = postgresRunner(databaseUrl);
  try {
    const settings = await walSettings(runner);
    const before = await walCounters(runner);
    const result = await load();
    const after = await walCounters(runner);
    return { result, wal: { perTrace: walPerTrace(before, after, Math.max(1, tracesStored(result))), settings } };
  } finally {
    await runner.close();
  }
}

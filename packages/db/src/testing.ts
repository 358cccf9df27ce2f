import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { type Database, openDatabase } from './client.js';

/** A database of its own for a test or a benchmark run, removed by `drop`. */
export interface ScratchDatabase {
  /** The new database's URL, when it lives on a PostgreSQL server. */
  databaseUrl?: string;
  /** The PGlite data directory otherwise: another process can open it once this one closed it. */
  dataDir?: string;
  /** How a Pulse process is pointed at it: DATABASE_URL or DATA_DIR. */
  env: Record<string, string>;
  /** Opens it in this process (PGlite: only while no other process has it open). */
  open(options?: { maxConnections?: number }): Promise<Database>;
  /** Drops the database or removes the directory (after every connection closed). */
  drop(): Promise<void>;
}

const adminConnection = (serverUrl: string) => postgres(serverUrl, { max: 1, onnotice: () => {} });

/**
 * A new, empty database: on the PostgreSQL server of `serverUrl` when given (any database
 * of that server works as the URL; the new one gets a random name), else in a temporary
 * PGlite directory. Pulse's migrations run when it is first opened.
 */
export async function createScratchDatabase(serverUrl: string | undefined): Promise<ScratchDatabase> {
  if (!serverUrl) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pulse-scratch-'));
    return {
      dataDir,
      env: { DATA_DIR: dataDir },
      open: () => openDatabase({ dataDir }),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `pulse_scratch_${randomBytes(6).toString('hex')}`;
  const admin = adminConnection(serverUrl);
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    databaseUrl,
    env: { DATABASE_URL: databaseUrl },
    open: (options = {}) => openDatabase({ databaseUrl, ...options }),
    drop: async () => {
      const dropper = adminConnection(serverUrl);
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A fresh, migrated database for one test file, dropped on close: a scratch database on the
 * server of DATABASE_URL when it is set, else an in-memory PGlite (faster than a directory).
 */
export async function openTestDatabase(): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDatabase({ dataDir: 'memory://' });
  const scratch = await createScratchDatabase(serverUrl);
  const database = await scratch.open();
  return {
    ...database,
    close: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

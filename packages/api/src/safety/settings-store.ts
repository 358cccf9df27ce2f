import { type Database, schema } from '@pulse/db';
import { DEFAULT_SETTINGS, type Settings, settingsSchema } from '@pulse/shared';
import { eq, sql } from 'drizzle-orm';
import type { Cache } from '../cache/cache.js';

const { workspaceSettings } = schema;

/**
 * How long ingest may reuse a workspace's settings from the cache. A change through
 * PUT /settings drops the entry at once (in Redis: for every replica); the lifetime only
 * bounds how long an entry written by a read racing that change can outlive it.
 */
const SETTINGS_TTL_SECONDS = 10;

const cacheKey = (workspaceId: string) => `pulse:settings:${workspaceId}`;

/** A workspace's settings (docs/API_SPEC.md §12); a workspace without a row has the defaults. */
export async function readSettings(database: Database, workspaceId: string): Promise<Settings> {
  const [row] = await database.db
    .select({ redactPii: workspaceSettings.redactPii, retentionDays: workspaceSettings.retentionDays })
    .from(workspaceSettings)
    .where(eq(workspaceSettings.workspaceId, workspaceId));
  return row ? { redact_pii: row.redactPii, retention_days: row.retentionDays } : { ...DEFAULT_SETTINGS };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Ingest's read of the settings: once per batch, through the cache. */
export async function cachedSettings(services: { database: Database; cache: Cache }, workspaceId: string): Promise<Settings> {
  const hit = await services.cache.get(cacheKey(workspaceId));
  if (hit !== undefined) {
    // An unreadable entry is only a miss: the database has the answer.
    const parsed = settingsSchema.safeParse(parseJson(hit));
    if (parsed.success) return parsed.data;
  }
  const settings = await readSettings(services.database, workspaceId);
  await services.cache.set(cacheKey(workspaceId), JSON.stringify(settings), SETTINGS_TTL_SECONDS);
  return settings;
}

/** Stores the fields sent (the others keep their value), drops the cached copy, returns the whole. */
export async function updateSettings(
  services: { database: Database; cache: Cache },
  workspaceId: string,
  patch: Partial<Settings>,
): Promise<Settings> {
  const set = {
    ...(patch.redact_pii !== undefined ? { redactPii: patch.redact_pii } : {}),
    ...(patch.retention_days !== undefined ? { retentionDays: patch.retention_days } : {}),
    updatedAt: sql`now()`,
  };
  await services.database.db
    .insert(workspaceSettings)
    .values({ workspaceId, ...set })
    .onConflictDoUpdate({ target: workspaceSettings.workspaceId, set });
  await services.cache.delete(cacheKey(workspaceId));
  return readSettings(services.database, workspaceId);
}

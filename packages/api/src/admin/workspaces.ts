import { type Database, type Db, schema, uuidv7 } from '@pulse/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { KEY_SCOPES, type KeyScope } from '@pulse/shared';
import { generateApiKey } from '../auth/keys.js';

/** Issues a key (every scope unless told otherwise): the key is returned once and only its hash is stored. */
export async function issueKey(db: Db, workspaceId: string, name?: string, scopes: readonly KeyScope[] = KEY_SCOPES) {
  const { key, hash, prefix } = generateApiKey();
  const id = uuidv7();
  const [row] = await db
    .insert(schema.apiKeys)
    .values({ id, workspaceId, keyHash: hash, prefix, name: name ?? null, scopes: [...scopes] })
    .returning({ createdAt: schema.apiKeys.createdAt });
  return { key_id: id, api_key: key, name: name ?? null, prefix, scopes: [...scopes], created_at: row!.createdAt.toISOString() };
}

/** A workspace and its first key, in one transaction. The key is returned once and never stored. */
export async function createWorkspace(database: Database, name: string) {
  return database.db.transaction(async (tx) => {
    const id = uuidv7();
    await tx.insert(schema.workspaces).values({ id, name });
    const { key_id, api_key } = await issueKey(tx as unknown as Db, id, 'default');
    return { workspace_id: id, name, key_id, api_key };
  });
}

/** Revokes a workspace's active key; false when the workspace has no active key with that id. */
export async function revokeKey(db: Db, workspaceId: string, keyId: string): Promise<boolean> {
  const { apiKeys } = schema;
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return revoked.length > 0;
}

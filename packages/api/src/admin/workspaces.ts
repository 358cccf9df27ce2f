import { type Database, type Db, schema, uuidv7 } from '@pulse/db';
import { generateApiKey } from '../auth/keys.js';

export async function issueKey(db: Db, workspaceId: string, name?: string): Promise<{ key_id: string; api_key: string }> {
  const { key, hash, prefix } = generateApiKey();
  const id = uuidv7();
  await db.insert(schema.apiKeys).values({ id, workspaceId, keyHash: hash, prefix, name: name ?? null });
  return { key_id: id, api_key: key };
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

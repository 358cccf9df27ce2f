import { z } from 'zod';
import { KEY_SCOPES, newKeyFields } from './keys.js';
import { storableText } from './text.js';

export const createWorkspaceInputSchema = z.object({
  name: storableText(z.string({ error: 'name is required' }).trim().min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' })),
});
export const createWorkspaceResponseSchema = z.object({
  workspace_id: z.uuid(),
  name: z.string(),
  key_id: z.uuid(),
  api_key: z.string(),
});
export const workspacePathSchema = z.object({ workspace_id: z.uuid({ error: 'must be a UUID' }) });
export const keyPathSchema = workspacePathSchema.extend({ key_id: z.uuid({ error: 'must be a UUID' }) });
/** Issuing a key: the workspace in the path, optionally a name and scopes in the body (every scope by default). */
export const createKeyInputSchema = workspacePathSchema.extend(newKeyFields);
export const createKeyResponseSchema = z.object({ key_id: z.uuid(), api_key: z.string(), scopes: z.array(z.enum(KEY_SCOPES)) });

import { z } from 'zod';
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
export const createKeyResponseSchema = z.object({ key_id: z.uuid(), api_key: z.string() });

import { z } from 'zod';

/** The header that names the workspace of an analytics or budget request (docs/API_SPEC.md §1). */
export const WORKSPACE_HEADER = 'X-Workspace-ID';

/** Its value: a workspace id, any UUID in 8-4-4-4-12 hex form. The server checks and documents this schema. */
export const workspaceIdSchema = z.guid({ error: 'must be a UUID' });

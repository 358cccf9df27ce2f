import { workspaceIdSchema } from '@pulse/shared';
import { TRPCError } from '@trpc/server';
import type { Request } from 'express';
import { InvalidInputError } from '../trpc/input-error.js';
import type { KeyOwner, KeyStore } from './key-store.js';
import { bearerToken } from './keys.js';

export function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The workspace of the request's API key: 401 when the key is missing, unknown or revoked. */
export async function keyOwner(keys: KeyStore, req: Request) {
  const key = bearerToken(req.headers.authorization);
  if (!key) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Missing API key: send Authorization: Bearer <key>' });
  const owner = await keys.authenticate(key);
  if (!owner) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Unknown or revoked API key' });
  return owner;
}

/**
 * The key owner of a read or setting, for the workspace it names (docs/API_SPEC.md §1): X-Workspace-ID (400), then the
 * key (401), then ownership (403), in that order. Used by the procedures and the plain routes alike.
 */
export async function claimedWorkspace(keys: KeyStore, req: Request): Promise<KeyOwner> {
  const claimed = header(req, 'x-workspace-id');
  if (!claimed) throw new InvalidInputError([{ path: 'X-Workspace-ID', message: 'is required' }], 'Missing X-Workspace-ID header');
  if (!workspaceIdSchema.safeParse(claimed).success) {
    throw new InvalidInputError([{ path: 'X-Workspace-ID', message: 'must be a UUID' }], 'Malformed X-Workspace-ID header: expected a UUID');
  }
  const owner = await keyOwner(keys, req);
  if (owner.workspaceId !== claimed.toLowerCase()) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'The API key does not belong to the workspace in X-Workspace-ID' });
  }
  return owner;
}

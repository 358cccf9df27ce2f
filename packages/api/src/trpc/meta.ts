import type { KeyScope } from '@pulse/shared';

/**
 * What a procedure tells the OpenAPI document beyond trpc-to-openapi's own `openapi` meta.
 * tRPC merges meta shallowly, so `auth` (set by the procedure builders) and `answers` (set by
 * a procedure) are separate keys and neither overwrites the other. A type, not an interface:
 * trpc-to-openapi's router type wants meta assignable to an index signature.
 */
export type PulseMeta = {
  /** The credentials the procedure checks (docs/API_SPEC.md §1, §6): its error answers and headers follow from them. */
  auth?: 'key' | 'workspace' | 'admin';
  /**
   * The API key scope the procedure needs (docs/API_SPEC.md §1): every procedure authorised by
   * a key declares one; one without is refused to every key (and fails the scopes test).
   */
  scope?: KeyScope;
  answers?: {
    /** The REST success status when it is not 200 (setStatus sends it). */
    success?: 201 | 204;
    /** Also answers 207 with the same body when some items were rejected. */
    partial?: true;
    /** Also answers 404: when, and an example message. */
    notFound?: { when: string; message: string };
  };
};

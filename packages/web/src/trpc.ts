import type { AppRouter } from '@pulse/api';
import { MAX_TRPC_BATCH_CALLS } from '@pulse/shared';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { Credentials } from './credentials.js';

/** Types come from the api's router: no hand-written response types in the dashboard. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Queries and mutations over HTTP; the live subscription over a WebSocket to the same /trpc,
 * opened only while subscribed and reopened after a drop (the server restarted, a replica left).
 * Browsers cannot set headers on a WebSocket: the key and workspace go as connection params.
 */
export function createClient(credentials: Credentials) {
  const socket = createWSClient({
    url: `${window.location.origin.replace(/^http/, 'ws')}/trpc`,
    connectionParams: () => ({ authorization: `Bearer ${credentials.apiKey}`, workspaceId: credentials.workspaceId }),
    lazy: { enabled: true, closeMs: 10_000 },
    retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 5_000),
  });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: socket }),
        false: httpBatchLink({
          // Absolute, so the same client works in the browser and under test (jsdom + msw).
          url: `${window.location.origin}/trpc`,
          // The server refuses bigger batches (docs/API_SPEC.md §5); a page asks for far fewer anyway.
          maxItems: MAX_TRPC_BATCH_CALLS,
          headers: () => ({ authorization: `Bearer ${credentials.apiKey}`, 'x-workspace-id': credentials.workspaceId }),
        }),
      }),
    ],
  });
}

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: 1, refetchOnWindowFocus: false, placeholderData: (previous: unknown) => previous },
    },
  });
}

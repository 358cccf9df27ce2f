import type { AppRouter } from '@pulse/api';
import { MAX_TRPC_BATCH_CALLS } from '@pulse/shared';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { Credentials } from './credentials.js';

/** Types come from the api's router: no hand-written response types in the dashboard. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function createClient(credentials: Credentials) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        // Absolute, so the same client works in the browser and under test (jsdom + msw).
        url: `${window.location.origin}/trpc`,
        // The server refuses bigger batches (docs/API_SPEC.md §5); a page asks for far fewer anyway.
        maxItems: MAX_TRPC_BATCH_CALLS,
        headers: () => ({ authorization: `Bearer ${credentials.apiKey}`, 'x-workspace-id': credentials.workspaceId }),
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

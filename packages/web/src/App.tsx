import { QueryClientProvider } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Dashboard } from './Dashboard.js';
import { clearCredentials, type Credentials, loadCredentials, saveCredentials, takeCredentialsFromFragment } from './credentials.js';
import { SignIn } from './SignIn.js';
import { createClient, createQueryClient, TRPCProvider } from './trpc.js';

function initialCredentials(): Credentials | null {
  const fromLink = takeCredentialsFromFragment();
  if (fromLink) saveCredentials(fromLink);
  return fromLink ?? loadCredentials();
}

export function App() {
  const [credentials, setCredentials] = useState(initialCredentials);
  // A new client and cache per sign-in: nothing of one workspace leaks into another's view.
  const clients = useMemo(() => (credentials ? { trpc: createClient(credentials), query: createQueryClient() } : null), [credentials]);

  if (!credentials || !clients) {
    return (
      <SignIn
        onSignedIn={(c) => {
          saveCredentials(c);
          setCredentials(c);
        }}
      />
    );
  }
  return (
    <QueryClientProvider client={clients.query}>
      <TRPCProvider trpcClient={clients.trpc} queryClient={clients.query}>
        <Dashboard
          credentials={credentials}
          onSignOut={() => {
            clearCredentials();
            setCredentials(null);
          }}
        />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

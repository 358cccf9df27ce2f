import { Button, Card, Container, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { createClient } from './trpc.js';
import type { Credentials } from './credentials.js';

/** Asks for the API key and workspace id and checks them against the API before keeping them. */
export function SignIn({ onSignedIn }: { onSignedIn: (c: Credentials) => void }) {
  const [apiKey, setApiKey] = useState('');
  const [workspaceId, setWorkspaceId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async () => {
    setError(null);
    const c = { apiKey: apiKey.trim(), workspaceId: workspaceId.trim() };
    if (!c.apiKey || !c.workspaceId) return setError('Both the API key and the workspace id are needed.');
    setChecking(true);
    try {
      await createClient(c).workspace.info.query();
      onSignedIn(c);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'These credentials were refused.');
    } finally {
      setChecking(false);
    }
  };

  return (
    <Container size={420} py={80}>
      <Card withBorder radius="md" padding="xl">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Stack>
            <Title order={2}>Sign in to Pulse</Title>
            <Text size="sm" c="dimmed">
              Use an API key of your workspace. `npm start` prints a link that signs in directly.
            </Text>
            <TextInput label="Workspace id" value={workspaceId} onChange={(e) => setWorkspaceId(e.currentTarget.value)} placeholder="01a2…" />
            <PasswordInput label="API key" value={apiKey} onChange={(e) => setApiKey(e.currentTarget.value)} placeholder="pk_…" />
            {error && (
              <Text c="red" size="sm" role="alert">
                {error}
              </Text>
            )}
            <Button type="submit" loading={checking}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Card>
    </Container>
  );
}

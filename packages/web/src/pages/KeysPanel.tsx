import { Alert, Badge, Button, Card, Checkbox, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { createWorkspaceKeyInputSchema, KEY_SCOPES, type KeyScope } from '@pulse/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { useTRPC } from '../trpc.js';
import { checkForm } from './form-issues.js';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** The workspace's API keys: listed with scopes and use, created (the key shown once) and revoked. */
export function KeysPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.keys.list.queryOptions({}));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<KeyScope[]>([...KEY_SCOPES]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });
  const create = useMutation(trpc.keys.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({ onSuccess: refresh }));

  const submit = () => {
    const checked = checkForm(
      createWorkspaceKeyInputSchema,
      { name: name.trim() || undefined, scopes },
      { name: 'Name', scopes: 'Scopes' },
    );
    setErrors(checked.errors ?? {});
    if (checked.input) create.mutate(checked.input, { onSuccess: () => setName('') });
  };
  const message = Object.values(errors).join(' ') || create.error?.message || revoke.error?.message;

  return (
    <Card withBorder radius="md" padding="md" data-testid="keys-panel">
      <Stack gap="sm">
        <Text fw={600}>API keys</Text>
        {keys.error && <ErrorState message={keys.error.message} onRetry={() => void keys.refetch()} />}
        {!keys.data && !keys.error && <LoadingBlock height={120} />}
        {keys.data && (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.data.map((k) => (
                <Table.Tr key={k.key_id} data-testid="key-row">
                  <Table.Td>{k.name ?? '—'}</Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {k.scopes.map((s) => (
                        <Badge key={s} size="sm" variant="light">
                          {s}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{when(k.created_at)}</Table.Td>
                  <Table.Td>{when(k.last_used_at)}</Table.Td>
                  <Table.Td>
                    {k.revoked ? (
                      <Text size="sm" c="dimmed">
                        revoked
                      </Text>
                    ) : (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => revoke.mutate({ key_id: k.key_id })}
                        aria-label={`Revoke ${k.name ?? k.prefix}`}
                      >
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="New key name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={Boolean(errors.name)}
            w={220}
          />
          <Checkbox.Group
            label="Scopes"
            value={scopes}
            onChange={(v) => setScopes(v as KeyScope[])}
            error={Boolean(errors.scopes)}
          >
            <Group gap="sm" mt={6}>
              {KEY_SCOPES.map((s) => (
                <Checkbox key={s} value={s} label={s} />
              ))}
            </Group>
          </Checkbox.Group>
          <Button onClick={submit} loading={create.isPending}>
            Create key
          </Button>
        </Group>
        {message && (
          <Text size="sm" c="red" role="alert">
            {message}
          </Text>
        )}
        {create.data && (
          <Alert color="teal" title="New API key: copy it now, it is not shown again" data-testid="new-key">
            <Code block>{create.data.api_key}</Code>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { ALERT_FORMATS, ALERT_METRICS, ALERT_WINDOWS } from '@pulse/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useRefetchInterval } from '../auto-refresh.js';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { useTRPC } from '../trpc.js';
import { type AlertFormValues, alertFormValues, EMPTY_ALERT_FORM, parseAlertForm } from './alert-form.js';

/** Alert rules: listed with their state, created or edited in one form, deleted, and sent a test. */
export function AlertsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetchInterval = useRefetchInterval();
  const rules = useQuery(trpc.alerts.list.queryOptions({}, { refetchInterval }));
  const [values, setValues] = useState<AlertFormValues>(EMPTY_ALERT_FORM);
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.list.queryKey() });
  const save = useMutation(trpc.alerts.put.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.alerts.delete.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(trpc.alerts.test.mutationOptions());
  const set = (patch: Partial<AlertFormValues>) => setValues((v) => ({ ...v, ...patch }));

  const submit = () => {
    const parsed = parseAlertForm(values);
    setErrors(parsed.errors ?? {});
    if (parsed.input)
      save.mutate(parsed.input, {
        onSuccess: () => {
          setValues(EMPTY_ALERT_FORM);
          setEditing(false);
        },
      });
  };
  const message =
    Object.values(errors).join(' ') || save.error?.message || remove.error?.message || test.error?.message;

  return (
    <Card withBorder radius="md" padding="md" data-testid="alerts-panel">
      <Stack gap="sm">
        <Text fw={600}>Alert rules</Text>
        {rules.error && <ErrorState message={rules.error.message} onRetry={() => void rules.refetch()} />}
        {!rules.data && !rules.error && <LoadingBlock height={120} />}
        {rules.data?.data.length === 0 && (
          <Text size="sm" c="dimmed">
            No alert rules yet. A rule on budget_used_pct with threshold 80 delivers the budget warning to a webhook.
          </Text>
        )}
        {rules.data && rules.data.data.length > 0 && (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Condition</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Last fired</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data.data.map((r) => (
                <Table.Tr key={r.name} data-testid="alert-row">
                  <Table.Td>{r.name}</Table.Td>
                  <Table.Td>
                    {r.metric} ≥ {r.threshold}
                    {r.metric !== 'budget_used_pct' && ` over ${r.window}`}
                    {r.agent_id && ` · agent ${r.agent_id}`}
                    {r.model && ` · model ${r.model}`}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={r.state === 'firing' ? 'red' : 'teal'} variant="light">
                      {r.state}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{r.last_fired_at ? new Date(r.last_fired_at).toLocaleString() : 'never'}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => {
                          setValues(alertFormValues(r));
                          setEditing(true);
                          setErrors({});
                        }}
                      >
                        Edit
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => test.mutate({ name: r.name })}
                        loading={test.isPending && test.variables?.name === r.name}
                      >
                        Send a test
                      </Button>
                      <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate({ name: r.name })}>
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {test.data && (
          <Text
            size="sm"
            data-testid="test-result"
            c={test.data.status_code !== null && test.data.status_code < 300 ? 'teal' : 'red'}
          >
            Test sent to {test.variables?.name}:{' '}
            {test.data.status_code !== null ? `HTTP ${test.data.status_code}` : test.data.error}
          </Text>
        )}
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Rule name"
            value={values.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
            error={Boolean(errors.name)}
            disabled={editing}
            w={160}
          />
          <Select
            label="Metric"
            data={[...ALERT_METRICS]}
            value={values.metric}
            onChange={(m) => m && set({ metric: m as AlertFormValues['metric'] })}
            allowDeselect={false}
            w={170}
          />
          <Select
            label="Window"
            data={[...ALERT_WINDOWS]}
            value={values.window}
            onChange={(w) => w && set({ window: w as AlertFormValues['window'] })}
            allowDeselect={false}
            w={90}
          />
          <NumberInput
            label="Threshold"
            value={values.threshold}
            onChange={(threshold) => set({ threshold })}
            error={Boolean(errors.threshold)}
            w={120}
          />
          <TextInput
            label="Agent (optional)"
            value={values.agent_id}
            onChange={(e) => set({ agent_id: e.currentTarget.value })}
            w={150}
          />
          <TextInput
            label="Model (optional)"
            value={values.model}
            onChange={(e) => set({ model: e.currentTarget.value })}
            w={150}
          />
        </Group>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Webhook URL"
            placeholder="https://hooks.example.com/pulse"
            value={values.webhook_url}
            onChange={(e) => set({ webhook_url: e.currentTarget.value })}
            error={Boolean(errors.webhook_url)}
            w={340}
          />
          <Select
            label="Format"
            data={[...ALERT_FORMATS]}
            value={values.format}
            onChange={(f) => f && set({ format: f as AlertFormValues['format'] })}
            allowDeselect={false}
            w={100}
          />
          <NumberInput
            label="Cooldown (minutes)"
            value={values.cooldown_minutes}
            onChange={(cooldown_minutes) => set({ cooldown_minutes })}
            error={Boolean(errors.cooldown_minutes)}
            min={0}
            w={150}
          />
          <Button onClick={submit} loading={save.isPending}>
            {editing ? 'Save rule' : 'Create rule'}
          </Button>
          {editing && (
            <Button
              variant="subtle"
              color="gray"
              onClick={() => {
                setValues(EMPTY_ALERT_FORM);
                setEditing(false);
                setErrors({});
              }}
            >
              Cancel
            </Button>
          )}
        </Group>
        {message && (
          <Text size="sm" c="red" role="alert">
            {message}
          </Text>
        )}
        {save.data?.secret && (
          <Alert
            color="teal"
            title="Signing secret of the new rule: copy it now, it is not shown again"
            data-testid="new-secret"
          >
            <Code block>{save.data.secret}</Code>
            <Text size="xs" mt="xs">
              Each webhook carries X-Pulse-Signature: sha256=HMAC-SHA256 of the raw body with this secret.
            </Text>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

import { Badge, Button, Card, Checkbox, Group, NativeSelect, PasswordInput, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import type { EvaluatorView } from '@pulse/shared';
import { JUDGE_PROVIDERS, RULE_TYPES, SCORE_TYPES } from '@pulse/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useRefetchInterval } from '../auto-refresh.js';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { useTRPC } from '../trpc.js';
import { type EvaluatorFormValues, formValuesOf, NEW_EVALUATOR, parseEvaluatorForm } from './evaluator-form.js';

const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v.replace('_', ' ') }));

function judgeOf(e: EvaluatorView): string {
  if (e.llm) return `${e.llm.provider} · ${e.llm.model}`;
  return e.rule ? e.rule.type.replace('_', ' ') : '';
}

/** Evaluators (docs/API_SPEC.md §13): each with its status, and a form to create or edit one. */
export function EvaluatorsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetchInterval = useRefetchInterval();
  const list = useQuery(trpc.evaluators.list.queryOptions({}, { refetchInterval }));
  const [form, setForm] = useState<EvaluatorFormValues | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const done = () => queryClient.invalidateQueries({ queryKey: trpc.evaluators.list.queryKey() });
  const save = useMutation(trpc.evaluators.put.mutationOptions({ onSuccess: () => (setForm(null), done()) }));
  const remove = useMutation(trpc.evaluators.delete.mutationOptions({ onSuccess: done }));

  const failed = list.error && <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />;
  if (!list.data) return failed || <LoadingBlock height={220} />;
  const set = (patch: Partial<EvaluatorFormValues>) => setForm((f) => (f ? { ...f, ...patch } : f));
  const submit = () => {
    if (!form) return;
    const parsed = parseEvaluatorForm(form);
    setErrors(parsed.errors ?? []);
    if (parsed.input) save.mutate(parsed.input);
  };
  const messages = [...errors, ...(save.error ? [save.error.message] : []), ...(remove.error ? [remove.error.message] : [])];

  return (
    <Card withBorder radius="md" padding="md" data-testid="evaluators-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>Evaluators</Text>
          <Button size="xs" onClick={() => (setForm(NEW_EVALUATOR), setErrors([]))}>
            New evaluator
          </Button>
        </Group>
        {failed}
        {list.data.data.length === 0 ? (
          <Text size="sm" c="dimmed">
            No evaluators yet: an LLM judge or a rule scores new calls that captured their input and output.
          </Text>
        ) : (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                {['Name', 'Judge', 'Score', 'Sample', 'Judged', 'Failed', 'Pending', 'Last error', ''].map((h) => (
                  <Table.Th key={h}>{h}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.data.map((e) => (
                <Table.Tr key={e.name} data-testid={`evaluator-${e.name}`}>
                  <Table.Td>
                    {e.name} {!e.enabled && <Badge color="gray">disabled</Badge>}
                  </Table.Td>
                  <Table.Td>{judgeOf(e)}</Table.Td>
                  <Table.Td>
                    {e.score.name} ({e.score.type})
                  </Table.Td>
                  <Table.Td>{Math.round(e.sample_rate * 1000) / 10}%</Table.Td>
                  <Table.Td>{e.status.judged}</Table.Td>
                  <Table.Td>{e.status.failed}</Table.Td>
                  <Table.Td>{e.status.pending}</Table.Td>
                  <Table.Td>
                    <Text size="xs" c="red" lineClamp={2}>
                      {e.status.last_error ?? ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-xs" variant="light" onClick={() => (setForm(formValuesOf(e)), setErrors([]))}>
                        Edit
                      </Button>
                      <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate({ name: e.name })}>
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {form && (
          <Stack gap="xs" data-testid="evaluator-form">
            <Group align="flex-end" wrap="wrap">
              <TextInput label="Name" value={form.name} onChange={(ev) => set({ name: ev.currentTarget.value })} w={200} />
              <NativeSelect label="Kind" data={options(['llm', 'rule'])} value={form.kind} onChange={(ev) => set({ kind: ev.currentTarget.value as EvaluatorFormValues['kind'] })} w={120} />
              <TextInput label="Sample rate (0–1)" value={form.sampleRate} onChange={(ev) => set({ sampleRate: ev.currentTarget.value })} w={140} />
              <Checkbox label="Enabled" checked={form.enabled} onChange={(ev) => set({ enabled: ev.currentTarget.checked })} />
            </Group>
            {form.kind === 'llm' ? (
              <>
                <Group align="flex-end" wrap="wrap">
                  <NativeSelect label="Provider" data={options(JUDGE_PROVIDERS)} value={form.provider} onChange={(ev) => set({ provider: ev.currentTarget.value as EvaluatorFormValues['provider'] })} w={140} />
                  <TextInput label="Model" value={form.model} onChange={(ev) => set({ model: ev.currentTarget.value })} w={200} />
                  <TextInput label="Base URL (optional)" value={form.baseUrl} onChange={(ev) => set({ baseUrl: ev.currentTarget.value })} w={260} />
                  <PasswordInput label="API key" placeholder="empty: keep the stored or server key" value={form.apiKey} onChange={(ev) => set({ apiKey: ev.currentTarget.value })} w={260} />
                </Group>
                <Textarea label="Judge prompt ({{input}}, {{output}})" value={form.prompt} onChange={(ev) => set({ prompt: ev.currentTarget.value })} rows={4} />
                <Group align="flex-end">
                  <NativeSelect label="Score type" data={options(SCORE_TYPES)} value={form.scoreType} onChange={(ev) => set({ scoreType: ev.currentTarget.value as EvaluatorFormValues['scoreType'] })} w={160} />
                  {form.scoreType === 'categorical' && <TextInput label="Labels (comma-separated)" value={form.labels} onChange={(ev) => set({ labels: ev.currentTarget.value })} w={260} />}
                </Group>
              </>
            ) : (
              <Group align="flex-end" wrap="wrap">
                <NativeSelect label="Rule" data={options(RULE_TYPES)} value={form.ruleType} onChange={(ev) => set({ ruleType: ev.currentTarget.value as EvaluatorFormValues['ruleType'] })} w={180} />
                {form.ruleType === 'regex_match' && <TextInput label="Pattern" value={form.pattern} onChange={(ev) => set({ pattern: ev.currentTarget.value })} w={260} />}
                {form.ruleType === 'output_length' && (
                  <>
                    <TextInput label="Min characters" value={form.minLength} onChange={(ev) => set({ minLength: ev.currentTarget.value })} w={140} />
                    <TextInput label="Max characters" value={form.maxLength} onChange={(ev) => set({ maxLength: ev.currentTarget.value })} w={140} />
                  </>
                )}
              </Group>
            )}
            <Group>
              <Button onClick={submit} loading={save.isPending}>
                Save evaluator
              </Button>
              <Button variant="subtle" color="gray" onClick={() => setForm(null)}>
                Cancel
              </Button>
            </Group>
          </Stack>
        )}
        {messages.length > 0 && (
          <Text size="sm" c="red" role="alert">
            {messages.join(' · ')}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

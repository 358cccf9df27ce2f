import { Badge, Code, Drawer, Group, ScrollArea, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { formatCount, formatMs, formatUsd } from '../format.js';
import { useTRPC } from '../trpc.js';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

function TextBlock({ label, text }: { label: string; text: string | null }) {
  return (
    <Stack gap={4}>
      <Title order={5}>{label}</Title>
      {text === null ? (
        <Text size="sm" c="dimmed">
          Not sent.
        </Text>
      ) : (
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {text}
        </Code>
      )}
    </Stack>
  );
}

/** One call in full (GET /traces/{id}): figures, prompt and completion, metadata, scores, safety flags. */
export function TraceDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const trpc = useTRPC();
  const detail = useQuery({ ...trpc.traces.get.queryOptions({ id: id ?? '' }), enabled: id !== null });
  const t = detail.data;
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="lg" title={t ? `Trace ${t.trace_id}` : 'Trace'} scrollAreaComponent={ScrollArea.Autosize}>
      {detail.error ? (
        <ErrorState message={detail.error.message} onRetry={() => void detail.refetch()} />
      ) : !t ? (
        <LoadingBlock height={300} />
      ) : (
        <Stack data-testid="trace-detail">
          <Group gap="xs">
            <Badge color={t.status === 'error' ? 'red' : 'teal'}>{t.status}</Badge>
            <Badge variant="light" data-testid="cost-source">
              cost: {t.cost_source}
            </Badge>
            {t.safety_flags.map((f) => (
              <Badge key={f} color="orange" variant="light">
                {f}
              </Badge>
            ))}
            {t.tags.map((tag) => (
              <Badge key={tag} color="gray" variant="outline">
                {tag}
              </Badge>
            ))}
          </Group>
          <SimpleGrid cols={{ base: 2, sm: 3 }}>
            <Field label="Time">{new Date(t.timestamp).toLocaleString()}</Field>
            <Field label="Agent">{t.agent_id}</Field>
            <Field label="Model">{t.model}</Field>
            <Field label="User">{t.user_id ?? 'anonymous'}</Field>
            <Field label="Session">{t.session_id ?? '—'}</Field>
            <Field label="Latency">{formatMs(t.latency_ms)}</Field>
            <Field label="Time to first token">{formatMs(t.ttft_ms)}</Field>
            <Field label="Tokens in / out">
              {formatCount(t.input_tokens)} / {formatCount(t.output_tokens)}
            </Field>
            <Field label="Cache read / write">
              {formatCount(t.cache_read_tokens)} / {formatCount(t.cache_write_tokens)}
            </Field>
            <Field label="Cost">{formatUsd(t.cost_usd)}</Field>
          </SimpleGrid>
          {t.status === 'error' && (
            <Field label={`Error: ${t.error_type ?? 'unknown'}`}>{t.error_message ?? '—'}</Field>
          )}
          <TextBlock label="Input" text={t.input} />
          <TextBlock label="Output" text={t.output} />
          <TextBlock label="Metadata" text={t.metadata === null ? null : JSON.stringify(t.metadata, null, 2)} />
          <Title order={5}>Scores</Title>
          {t.scores.length === 0 ? (
            <Text size="sm" c="dimmed">
              No scores.
            </Text>
          ) : (
            <Table data-testid="trace-scores">
              <Table.Tbody>
                {t.scores.map((s) => (
                  <Table.Tr key={`${s.name}/${s.source}`}>
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td>{String(s.value)}</Table.Td>
                    <Table.Td>{s.source}</Table.Td>
                    <Table.Td>{s.comment ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Drawer>
  );
}

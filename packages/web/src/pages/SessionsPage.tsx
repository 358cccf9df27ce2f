import { Badge, Button, Card, Drawer, ScrollArea, Stack, Table, Text, Timeline } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useRefetchInterval } from '../auto-refresh.js';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { formatCount, formatMs, formatUsd } from '../format.js';
import { useTRPC } from '../trpc.js';
import type { PageProps } from './page-props.js';

/** The calls of one session in the window, oldest first: the conversation as it went. */
function SessionTimeline({ sessionId, input, onOpenTraces }: { sessionId: string; input: PageProps['input']; onOpenTraces: () => void }) {
  const trpc = useTRPC();
  const calls = useQuery(trpc.traces.list.queryOptions({ ...input, session_id: sessionId, limit: 200 }));
  if (calls.error) return <ErrorState message={calls.error.message} onRetry={() => void calls.refetch()} />;
  if (!calls.data) return <LoadingBlock height={300} />;
  const ordered = [...calls.data.data].reverse();
  return (
    <Stack data-testid="session-timeline">
      <Timeline active={ordered.length} bulletSize={14} lineWidth={2}>
        {ordered.map((t) => (
          <Timeline.Item key={t.id} color={t.status === 'error' ? 'red' : 'teal'} title={`${new Date(t.timestamp).toLocaleTimeString()} · ${t.agent_id} · ${t.model}`}>
            <Text size="xs" c="dimmed">
              {t.status === 'error' ? `${t.error_type}: ${t.error_message ?? ''}` : 'success'} · {formatMs(t.latency_ms)} · {formatCount(t.total_tokens)} tokens · {formatUsd(t.cost_usd)}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
      {calls.data.next_cursor && (
        <Text size="xs" c="dimmed">
          The first 200 calls are shown.
        </Text>
      )}
      <Button size="xs" variant="light" onClick={onOpenTraces} w="fit-content">
        Open these calls in Traces
      </Button>
    </Stack>
  );
}

/** Sessions of the window (docs/API_SPEC.md §8), most recently active first; one opens as its timeline. */
export default function SessionsPage({ input, traceInput, setView }: PageProps) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const [open, setOpen] = useState<string | null>(null);
  const sessions = useQuery(trpc.sessions.list.queryOptions({ ...input, ...(traceInput.user_id ? { user_id: traceInput.user_id } : {}), limit: 100 }, { refetchInterval }));

  return (
    <Stack>
      <Card withBorder radius="md" padding="xs">
        {sessions.error ? (
          <ErrorState message={sessions.error.message} onRetry={() => void sessions.refetch()} />
        ) : !sessions.data ? (
          <LoadingBlock height={400} />
        ) : sessions.data.data.length === 0 ? (
          <Text c="dimmed" size="sm" p="md">
            No sessions in this window. Calls join a session through their session_id.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover data-testid="sessions-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Session</Table.Th>
                  <Table.Th>Last active</Table.Th>
                  <Table.Th ta="right">Calls</Table.Th>
                  <Table.Th ta="right">Errors</Table.Th>
                  <Table.Th ta="right">Cost</Table.Th>
                  <Table.Th>Agents</Table.Th>
                  <Table.Th>Users</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sessions.data.data.map((s) => (
                  <Table.Tr key={s.session_id} style={{ cursor: 'pointer' }} onClick={() => setOpen(s.session_id)}>
                    <Table.Td>{s.session_id}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{new Date(s.last_seen).toLocaleString()}</Table.Td>
                    <Table.Td ta="right">{formatCount(s.calls)}</Table.Td>
                    <Table.Td ta="right">{s.errors ? <Badge color="red" variant="light">{s.errors}</Badge> : 0}</Table.Td>
                    <Table.Td ta="right">{formatUsd(s.cost_usd)}</Table.Td>
                    <Table.Td>{s.agents.join(', ')}</Table.Td>
                    <Table.Td>{s.users.join(', ') || '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <Drawer opened={open !== null} onClose={() => setOpen(null)} position="right" size="lg" title={`Session ${open ?? ''}`} scrollAreaComponent={ScrollArea.Autosize}>
        {open && <SessionTimeline sessionId={open} input={input} onOpenTraces={() => setView({ page: 'traces', session: open })} />}
      </Drawer>
    </Stack>
  );
}

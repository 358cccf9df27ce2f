import { Badge, Button, Card, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useRefetchInterval } from '../auto-refresh.js';
import { FilterInput } from '../components/FilterInput.js';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { formatCount, formatMs, formatUsd } from '../format.js';
import { downloadTraceExport } from '../trace-export.js';
import { useTRPC, useTRPCClient } from '../trpc.js';
import type { PageProps } from './page-props.js';
import { TraceDrawer } from './TraceDrawer.js';

const PAGE_SIZE = 100;

/** Calls the sentinel's owner back when the sentinel scrolls into view (infinite scroll). */
function useOnVisible(onVisible: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = ref.current;
    if (!node || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) onVisible();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [onVisible]);
  return ref;
}

/** The calls themselves (docs/API_SPEC.md §8): filters in the URL, newest first, a page at a time. */
export default function TracesPage({ traceInput, setView, credentials }: PageProps) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const refetchInterval = useRefetchInterval();
  const [selected, setSelected] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  // Pages by hand rather than tRPC's infinite options, which add a `direction` the strict input refuses.
  const list = useInfiniteQuery({
    queryKey: [...trpc.traces.list.pathKey(), 'pages', traceInput],
    queryFn: ({ pageParam }) => client.traces.list.query({ ...traceInput, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    refetchInterval,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const sentinel = useOnVisible(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const exportAs = (format: 'csv' | 'jsonl') => {
    setExportError(null);
    downloadTraceExport(credentials, traceInput, format).catch((err: Error) => setExportError(err.message));
  };

  return (
    <Stack>
      <Group gap="sm" wrap="wrap">
        <SegmentedControl
          aria-label="Status"
          value={traceInput.status ?? 'all'}
          onChange={(s) => setView({ status: s === 'all' ? undefined : (s as 'success' | 'error') })}
          data={[
            { value: 'all', label: 'All' },
            { value: 'success', label: 'Success' },
            { value: 'error', label: 'Errors' },
          ]}
        />
        <FilterInput label="User" value={traceInput.user_id} onApply={(user) => setView({ user })} />
        <FilterInput label="Session" value={traceInput.session_id} onApply={(session) => setView({ session })} />
        <FilterInput label="Error type" value={traceInput.error_type} onApply={(errorType) => setView({ errorType })} />
        <FilterInput label="Tag" value={traceInput.tag} onApply={(tag) => setView({ tag })} />
        <Group gap="xs" ml="auto">
          <Button size="xs" variant="default" onClick={() => exportAs('csv')}>
            Export CSV
          </Button>
          <Button size="xs" variant="default" onClick={() => exportAs('jsonl')}>
            Export JSONL
          </Button>
        </Group>
      </Group>
      {exportError && <ErrorState message={exportError} onRetry={() => setExportError(null)} />}
      <Card withBorder radius="md" padding="xs">
        {list.error ? (
          <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
        ) : list.isPending ? (
          <LoadingBlock height={400} />
        ) : rows.length === 0 ? (
          <Text c="dimmed" size="sm" p="md">
            No calls match these filters in this window.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover data-testid="traces-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Agent</Table.Th>
                  <Table.Th>Model</Table.Th>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Latency</Table.Th>
                  <Table.Th ta="right">Tokens</Table.Th>
                  <Table.Th ta="right">Cost</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((t) => (
                  <Table.Tr key={t.id} style={{ cursor: 'pointer' }} onClick={() => setSelected(t.id)} data-testid="trace-row">
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{new Date(t.timestamp).toLocaleString()}</Table.Td>
                    <Table.Td>{t.agent_id}</Table.Td>
                    <Table.Td>{t.model}</Table.Td>
                    <Table.Td>{t.user_id ?? '—'}</Table.Td>
                    <Table.Td>
                      <Badge size="sm" color={t.status === 'error' ? 'red' : 'teal'} variant="light">
                        {t.status === 'error' ? (t.error_type ?? 'error') : 'success'}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">{formatMs(t.latency_ms)}</Table.Td>
                    <Table.Td ta="right">{formatCount(t.total_tokens)}</Table.Td>
                    <Table.Td ta="right">{formatUsd(t.cost_usd)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <div ref={sentinel} />
        {hasNextPage && (
          <Button variant="subtle" loading={isFetchingNextPage} onClick={() => void fetchNextPage()} mt="xs">
            Load more
          </Button>
        )}
      </Card>
      <TraceDrawer id={selected} onClose={() => setSelected(null)} />
    </Stack>
  );
}

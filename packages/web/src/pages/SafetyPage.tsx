import { Badge, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { SafetyType } from '@pulse/shared';
import { useQuery } from '@tanstack/react-query';
import { Bar } from 'react-chartjs-2';
import { useRefetchInterval } from '../auto-refresh.js';
import { color, partialBucketMarks, timeAxis } from '../charts.js';
import { KpiCard } from '../components/KpiCard.js';
import { Panel } from '../components/Panel.js';
import { EmptyState } from '../components/states.js';
import { formatBucket, formatChange, formatCount, formatPct } from '../format.js';
import { useTRPC } from '../trpc.js';
import type { PageProps } from './page-props.js';

/** How each detector type reads on the page (docs/API_SPEC.md §12); typed, so a new type must be named here. */
const TYPE_LABELS: Record<SafetyType, string> = {
  'pii.credit_card': 'Card number',
  'pii.email': 'Email',
  'pii.iban': 'IBAN',
  'pii.phone': 'Phone',
  prompt_injection: 'Prompt injection',
  'secret.api_key': 'API key',
};
const TYPES = Object.keys(TYPE_LABELS) as SafetyType[];

export default function SafetyPage({ input, workspaceId }: PageProps) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const overview = useQuery(trpc.safety.overview.queryOptions(input, { refetchInterval }));
  const trend = useQuery(trpc.safety.trend.queryOptions(input, { refetchInterval }));
  const trendMarks = trend.data && partialBucketMarks(trend.data);
  const byAgent = useQuery(trpc.safety.byAgent.queryOptions(input, { refetchInterval }));
  const latest = useQuery(trpc.safety.latest.queryOptions({ ...input, limit: 20 }, { refetchInterval }));
  const o = overview.data;
  const change = o ? formatChange(o.flagged_pct, o.previous.total_calls > 0 ? o.previous.flagged_pct : null) : null;
  const top = o?.data[0];

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        {/* A rising flagged rate is bad news: the badge is red when it goes up. */}
        <KpiCard label="Flagged rate" value={o ? formatPct(o.flagged_pct) : null} change={change && { text: change.text, up: !change.up }} />
        <KpiCard label="Flagged calls" value={o ? formatCount(o.flagged_calls) : null} hint={o ? `of ${formatCount(o.total_calls)} calls` : undefined} />
        <KpiCard label="Most found" value={o ? (top ? TYPE_LABELS[top.type] : '—') : null} hint={top ? `${formatCount(top.count)} calls` : undefined} />
        <KpiCard label="Prompt injections" value={o ? formatCount(o.data.find((d) => d.type === 'prompt_injection')?.count ?? 0) : null} />
      </SimpleGrid>
      {o?.total_calls === 0 && <EmptyState workspaceId={workspaceId} />}
      <Panel title="Flagged calls by type" height={280} loading={trend.isPending} error={trend.error} onRetry={() => void trend.refetch()}>
        {trend.data && trendMarks && (
          <Bar
            data-testid="safety-trend"
            data={{
              labels: trend.data.data.map((d) => formatBucket(d.timestamp, trend.data.granularity)),
              datasets: TYPES.map((type, i) => ({
                label: TYPE_LABELS[type],
                data: trend.data.data.map((d) => d.by_type[type]),
                backgroundColor: color(i),
                stack: 'types',
              })),
            }}
            options={{
              maintainAspectRatio: false,
              interaction: { mode: 'index', intersect: false },
              plugins: { tooltip: { callbacks: { footer: trendMarks.footer } } },
              scales: { x: { ...timeAxis, stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { callback: (v) => formatCount(Number(v)) } } },
            }}
            height={280}
          />
        )}
      </Panel>
      <Panel title="Flagged calls by agent" height={220} loading={byAgent.isPending} error={byAgent.error} onRetry={() => void byAgent.refetch()}>
        {byAgent.data?.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            No flagged calls in this window.
          </Text>
        ) : (
          byAgent.data && (
            <Bar
              data-testid="safety-by-agent"
              data={{
                labels: byAgent.data.data.map((a) => a.agent_id),
                datasets: [{ label: 'Flagged calls', data: byAgent.data.data.map((a) => a.flagged_calls), backgroundColor: color(3) }],
              }}
              options={{
                indexAxis: 'y',
                maintainAspectRatio: false,
                plugins: {
                  legend: { display: false },
                  tooltip: { callbacks: { afterLabel: (c) => `${formatPct(byAgent.data.data[c.dataIndex]?.flagged_pct)} of its calls` } },
                },
                scales: { x: { beginAtZero: true, ticks: { callback: (v) => formatCount(Number(v)) } } },
              }}
              height={220}
            />
          )
        )}
      </Panel>
      <Panel title="Latest flagged calls" height={200} loading={latest.isPending} error={latest.error} onRetry={() => void latest.refetch()}>
        {latest.data?.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            No flagged calls in this window.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped data-testid="flagged-calls">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Agent</Table.Th>
                  <Table.Th>Model</Table.Th>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Found</Table.Th>
                  <Table.Th>Trace</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {latest.data?.data.map((c) => (
                  <Table.Tr key={`${c.trace_id}@${c.timestamp}`}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{new Date(c.timestamp).toLocaleString()}</Table.Td>
                    <Table.Td>{c.agent_id}</Table.Td>
                    <Table.Td>{c.model}</Table.Td>
                    <Table.Td>{c.user_id ?? '—'}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {c.safety_flags.map((f) => (
                          <Badge key={f} size="sm" variant="light" color={f === 'prompt_injection' ? 'orange' : f.startsWith('secret') ? 'red' : 'blue'}>
                            {TYPE_LABELS[f]}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {c.trace_id}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Panel>
    </Stack>
  );
}

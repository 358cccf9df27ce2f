import { SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Doughnut, Line } from 'react-chartjs-2';
import { color, partialBucketMarks, timeAxis } from '../charts.js';
import { KpiCard } from '../components/KpiCard.js';
import { Panel } from '../components/Panel.js';
import { EmptyState } from '../components/states.js';
import { formatBucket, formatChange, formatCount, formatUsd } from '../format.js';
import { useRefetchInterval } from '../auto-refresh.js';
import { useTRPC } from '../trpc.js';
import { downloadCsv } from '../csv-download.js';
import { bucketDrill, onChartClick, windowDrill } from '../drill.js';
import type { PageProps } from './page-props.js';

export default function UsagePage({ input, workspaceId, drill }: PageProps) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const overview = useQuery(trpc.usage.overview.queryOptions(input, { refetchInterval }));
  const series = useQuery(trpc.usage.callsOverTime.queryOptions(input, { refetchInterval }));
  const seriesMarks = series.data && partialBucketMarks(series.data);
  const agents = useQuery(trpc.usage.agentDistribution.queryOptions(input, { refetchInterval }));
  const users = useQuery(trpc.usage.topUsers.queryOptions({ ...input, limit: 10 }, { refetchInterval }));
  const o = overview.data;
  const empty = o?.total_calls === 0;

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <KpiCard label="Total calls" value={o ? formatCount(o.total_calls) : null} change={o && formatChange(o.total_calls, o.previous.total_calls)} />
        <KpiCard label="Unique users" value={o ? formatCount(o.unique_users) : null} change={o && formatChange(o.unique_users, o.previous.unique_users)} />
        <KpiCard label="Active agents" value={o ? formatCount(o.active_agents) : null} change={o && formatChange(o.active_agents, o.previous.active_agents)} />
        <KpiCard
          label="Avg calls per user"
          value={o ? (o.avg_calls_per_user === null ? '—' : o.avg_calls_per_user.toFixed(2)) : null}
          change={o && formatChange(o.avg_calls_per_user, o.previous.avg_calls_per_user)}
        />
      </SimpleGrid>
      {empty && <EmptyState workspaceId={workspaceId} />}
      <Panel
        title="Calls over time"
        height={280}
        loading={series.isPending}
        error={series.error}
        onRetry={() => void series.refetch()}
        onCsv={series.data && (() => downloadCsv('calls-over-time.csv', ['timestamp', 'calls'], series.data.data.map((d) => [d.timestamp, d.calls])))}
      >
        {series.data && seriesMarks && (
          <Line
            data={{
              labels: series.data.data.map((d) => formatBucket(d.timestamp, series.data.granularity)),
              datasets: [{ label: 'Calls', data: series.data.data.map((d) => d.calls), borderColor: color(0), backgroundColor: `${color(0)}33`, fill: true, pointRadius: 0, tension: 0.25, segment: seriesMarks.segment }],
            }}
            options={{
              maintainAspectRatio: false,
              responsive: true,
              interaction: { mode: 'index', intersect: false },
              onClick: onChartClick((i) => drill(bucketDrill(series.data.data[i]!.timestamp, series.data.granularity, series.data))),
              plugins: { legend: { display: false }, tooltip: { callbacks: { footer: seriesMarks.footer } } },
              scales: { x: timeAxis, y: { beginAtZero: true, ticks: { callback: (v) => formatCount(Number(v)) } } } }}
            height={280}
          />
        )}
      </Panel>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Panel
          title="Calls by agent"
          height={280}
          loading={agents.isPending}
          error={agents.error}
          onRetry={() => void agents.refetch()}
          onCsv={agents.data && (() => downloadCsv('calls-by-agent.csv', ['agent_id', 'calls', 'percentage'], agents.data.data.map((a) => [a.agent_id, a.calls, a.percentage])))}
        >
          {agents.data && (
            <Doughnut
              data={{
                labels: agents.data.data.map((a) => a.agent_id),
                datasets: [{ data: agents.data.data.map((a) => a.calls), backgroundColor: agents.data.data.map((_, i) => color(i)) }],
              }}
              options={{
                maintainAspectRatio: false,
                // A click anywhere picks the nearest slice (the hole and the legend's side included).
                interaction: { mode: 'nearest', intersect: false },
                onClick: onChartClick((i) => drill({ ...windowDrill(agents.data), agent: agents.data.data[i]!.agent_id })),
                plugins: { legend: { position: 'right' }, tooltip: { callbacks: { label: (c) => `${c.label}: ${formatCount(c.parsed)} (${agents.data.data[c.dataIndex]?.percentage.toFixed(2)}%)` } } },
              }}
              height={280}
            />
          )}
        </Panel>
        <Panel
          title="Top users"
          height={280}
          loading={users.isPending}
          error={users.error}
          onRetry={() => void users.refetch()}
          onCsv={
            users.data &&
            (() => downloadCsv('top-users.csv', ['user_id', 'calls', 'cost_usd', 'total_tokens', 'last_seen'], users.data.data.map((u) => [u.user_id, u.calls, u.cost_usd, u.total_tokens, u.last_seen])))
          }
        >
          {users.data && users.data.data.length === 0 ? (
            <Text c="dimmed" size="sm">
              No named users in this window.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={480}>
              <Table striped highlightOnHover data-testid="top-users">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>User</Table.Th>
                    <Table.Th ta="right">Calls</Table.Th>
                    <Table.Th ta="right">Cost</Table.Th>
                    <Table.Th ta="right">Tokens</Table.Th>
                    <Table.Th>Last seen</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {users.data?.data.map((u) => (
                    <Table.Tr key={u.user_id} style={{ cursor: 'pointer' }} onClick={() => drill({ ...windowDrill(users.data), user: u.user_id })}>
                      <Table.Td>{u.user_id}</Table.Td>
                      <Table.Td ta="right">{formatCount(u.calls)}</Table.Td>
                      <Table.Td ta="right">{formatUsd(u.cost_usd)}</Table.Td>
                      <Table.Td ta="right">{formatCount(u.total_tokens)}</Table.Td>
                      <Table.Td>{new Date(u.last_seen).toLocaleString()}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Panel>
      </SimpleGrid>
    </Stack>
  );
}

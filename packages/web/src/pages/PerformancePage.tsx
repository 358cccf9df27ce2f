import { SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Line } from 'react-chartjs-2';
import { color, partialBucketMarks, timeAxis } from '../charts.js';
import { KpiCard } from '../components/KpiCard.js';
import { Panel } from '../components/Panel.js';
import { EmptyState } from '../components/states.js';
import { formatBucket, formatCount, formatMs, formatPct } from '../format.js';
import { useRefetchInterval } from '../auto-refresh.js';
import { useTRPC } from '../trpc.js';
import { downloadCsv } from '../csv-download.js';
import { bucketDrill, onChartClick, windowDrill } from '../drill.js';
import type { PageProps } from './page-props.js';

export default function PerformancePage({ input, workspaceId, drill }: PageProps) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const overview = useQuery(trpc.performance.overview.queryOptions(input, { refetchInterval }));
  const latency = useQuery(trpc.performance.latency.queryOptions(input, { refetchInterval }));
  const throughput = useQuery(trpc.performance.throughput.queryOptions(input, { refetchInterval }));
  const throughputMarks = throughput.data && partialBucketMarks(throughput.data);
  const errors = useQuery(trpc.performance.errors.queryOptions({ ...input, limit: 20 }, { refetchInterval }));
  const o = overview.data;

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <KpiCard label="P50 latency" value={o ? formatMs(o.p50_ms) : null} />
        <KpiCard label="P95 latency" value={o ? formatMs(o.p95_ms) : null} />
        <KpiCard label="P99 latency" value={o ? formatMs(o.p99_ms) : null} />
        <KpiCard label="Error rate" value={o ? formatPct(o.error_rate_pct) : null} hint={o ? `${formatCount(o.error_count)} of ${formatCount(o.total_calls)} calls` : undefined} />
      </SimpleGrid>
      {o?.total_calls === 0 && <EmptyState workspaceId={workspaceId} />}
      <Panel
        title="Latency percentiles"
        height={280}
        loading={latency.isPending}
        error={latency.error}
        onRetry={() => void latency.refetch()}
        onCsv={latency.data && (() => downloadCsv('latency.csv', ['timestamp', 'calls', 'p50_ms', 'p95_ms', 'p99_ms'], latency.data.data.map((d) => [d.timestamp, d.calls, d.p50_ms, d.p95_ms, d.p99_ms])))}
      >
        {latency.data && (
          <Line
            data={{
              labels: latency.data.data.map((d) => formatBucket(d.timestamp, latency.data.granularity)),
              datasets: (['p50_ms', 'p95_ms', 'p99_ms'] as const).map((k, i) => ({
                label: k.replace('_ms', '').toUpperCase(),
                data: latency.data.data.map((d) => d[k]),
                borderColor: color(i),
                pointRadius: 0,
                spanGaps: true,
              })),
            }}
            options={{
              maintainAspectRatio: false,
              interaction: { mode: 'index', intersect: false },
              onClick: onChartClick((i) => drill(bucketDrill(latency.data.data[i]!.timestamp, latency.data.granularity, latency.data))),
              plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatMs(c.parsed.y)}` } } },
              scales: { x: timeAxis, y: { beginAtZero: true, ticks: { callback: (v) => formatMs(Number(v)) } } },
            }}
            height={280}
          />
        )}
      </Panel>
      <Panel
        title="Successful and failed calls"
        height={260}
        loading={throughput.isPending}
        error={throughput.error}
        onRetry={() => void throughput.refetch()}
        onCsv={throughput.data && (() => downloadCsv('throughput.csv', ['timestamp', 'success', 'error', 'total'], throughput.data.data.map((d) => [d.timestamp, d.success, d.error, d.total])))}
      >
        {throughput.data && throughputMarks && (
          <Line
            data={{
              labels: throughput.data.data.map((d) => formatBucket(d.timestamp, throughput.data.granularity)),
              datasets: [
                { label: 'Success', data: throughput.data.data.map((d) => d.success), borderColor: color(1), backgroundColor: `${color(1)}88`, fill: true, pointRadius: 0, segment: throughputMarks.segment },
                { label: 'Error', data: throughput.data.data.map((d) => d.error), borderColor: color(3), backgroundColor: `${color(3)}aa`, fill: true, pointRadius: 0, segment: throughputMarks.segment },
              ],
            }}
            options={{
              maintainAspectRatio: false,
              interaction: { mode: 'index', intersect: false },
              // The bucket, and the series clicked nearest: its successes or its errors.
              onClick: onChartClick((i, dataset) =>
                drill({ ...bucketDrill(throughput.data.data[i]!.timestamp, throughput.data.granularity, throughput.data), status: dataset === 1 ? 'error' : 'success' }),
              ),
              plugins: { tooltip: { callbacks: { footer: throughputMarks.footer } } },
              scales: { x: timeAxis, y: { stacked: true, beginAtZero: true, ticks: { callback: (v) => formatCount(Number(v)) } } } }}
            height={260}
          />
        )}
      </Panel>
      <Panel
        title="Errors by type"
        height={200}
        loading={errors.isPending}
        error={errors.error}
        onRetry={() => void errors.refetch()}
        onCsv={
          errors.data &&
          (() =>
            downloadCsv(
              'errors.csv',
              ['error_type', 'count', 'percentage', 'affected_agents', 'agents', 'last_seen', 'sample_message'],
              errors.data.data.map((e) => [e.error_type, e.count, e.percentage, e.affected_agents, e.agents.join('|'), e.last_seen, e.sample_message]),
            ))
        }
      >
        {errors.data?.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            No errors in this window.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover data-testid="errors-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Type</Table.Th>
                  <Table.Th ta="right">Count</Table.Th>
                  <Table.Th ta="right">%</Table.Th>
                  <Table.Th>Agents</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>Latest message</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {errors.data?.data.map((e) => (
                  <Table.Tr key={e.error_type} style={{ cursor: 'pointer' }} onClick={() => drill({ ...windowDrill(errors.data), status: 'error', errorType: e.error_type })}>
                    <Table.Td>{e.error_type}</Table.Td>
                    <Table.Td ta="right">{formatCount(e.count)}</Table.Td>
                    <Table.Td ta="right">{e.percentage.toFixed(2)}</Table.Td>
                    <Table.Td>
                      {e.agents.join(', ')}
                      {e.affected_agents > e.agents.length ? ` +${e.affected_agents - e.agents.length}` : ''}
                    </Table.Td>
                    <Table.Td>{new Date(e.last_seen).toLocaleString()}</Table.Td>
                    {/* Wraps (long words too) rather than pushing the table past its card. */}
                    <Table.Td w="35%">
                      <Text size="xs" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                        {e.sample_message ?? '—'}
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

import { EvaluatorsPanel } from './EvaluatorsPanel.js';
import { Code, Group, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Bar, Line } from 'react-chartjs-2';
import { useRefetchInterval } from '../auto-refresh.js';
import { color, timeAxis } from '../charts.js';
import { KpiCard } from '../components/KpiCard.js';
import { Panel } from '../components/Panel.js';
import { formatBucket, formatChange, formatCount } from '../format.js';
import { useTRPC } from '../trpc.js';
import type { PageProps } from './page-props.js';

type ScoreType = 'numeric' | 'boolean' | 'categorical';

/** An average as read: a share of true as a percentage, a mean with 2 decimals (4 in the tooltip). */
function formatAverage(type: ScoreType, avg: number | null, digits = 2): string {
  if (avg === null) return '—';
  return type === 'boolean' ? `${(avg * 100).toFixed(1)}% true` : avg.toFixed(digits);
}

/** A categorical score's card: its most frequent value and that value's share. */
function topCategory(distribution: Record<string, number> | null, count: number): string {
  const [top] = Object.entries(distribution ?? {}).sort((a, b) => b[1] - a[1]);
  return top && count > 0 ? `${top[0]} ${((top[1] / count) * 100).toFixed(0)}%` : '—';
}

export default function QualityPage({ input, score, onScore }: PageProps) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const overview = useQuery(trpc.quality.overview.queryOptions(input, { refetchInterval }));
  const names = overview.data?.data ?? [];
  // The score in the URL when the window has it, else the first one.
  const picked = names.find((n) => n.name === score) ?? names[0];
  const name = picked?.name ?? '';
  const trend = useQuery(trpc.quality.trend.queryOptions({ ...input, name }, { refetchInterval, enabled: picked !== undefined }));
  const byAgent = useQuery(trpc.quality.byAgent.queryOptions({ ...input, name }, { refetchInterval, enabled: picked !== undefined }));
  const categorical = names.filter((n) => n.type === 'categorical');

  if (overview.data && names.length === 0) {
    return (
      <Stack gap="xs" data-testid="quality-empty">
        <Text fw={600}>No scores in this window.</Text>
        <Text size="sm" c="dimmed">
          Score calls by their trace_id, from your evaluations or reviewers:
        </Text>
        <Code block>{`POST /api/v1/scores\n{ "scores": [ { "trace_id": "t-1", "name": "helpfulness", "value": 0.8, "source": "llm" } ] }`}</Code>
        <Text size="sm" c="dimmed">
          Or let Pulse score them: an evaluator judges new calls that captured text.
        </Text>
        <EvaluatorsPanel />
      </Stack>
    );
  }

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        {overview.data
          ? names.map((n) => (
              <KpiCard
                key={n.name}
                label={n.name}
                value={n.type === 'categorical' ? topCategory(n.distribution, n.count) : formatAverage(n.type, n.avg)}
                change={n.type === 'categorical' ? null : formatChange(n.avg, n.previous_avg)}
                hint={`${formatCount(n.count)} ${n.type} scores`}
              />
            ))
          : [0, 1, 2].map((i) => <KpiCard key={i} label="…" value={null} />)}
      </SimpleGrid>
      <Group justify="flex-end">
        <Select aria-label="Score" data={names.map((n) => n.name)} value={picked?.name ?? null} onChange={(n) => n && onScore(n)} allowDeselect={false} w={220} />
      </Group>
      <Panel title={`${name || 'Score'} over time`} height={260} loading={overview.isPending || trend.isPending} error={overview.error ?? trend.error} onRetry={() => void trend.refetch()}>
        {trend.data && picked && (
          <Line
            data={{
              labels: trend.data.data.map((d) => formatBucket(d.timestamp, trend.data.granularity)),
              datasets:
                picked.type === 'categorical'
                  ? [{ label: 'Scores', data: trend.data.data.map((d) => d.count), borderColor: color(0), pointRadius: 0 }]
                  : [{ label: picked.type === 'boolean' ? 'Share true' : 'Average', data: trend.data.data.map((d) => d.avg), borderColor: color(0), pointRadius: 0, spanGaps: true }],
            }}
            options={{
              maintainAspectRatio: false,
              interaction: { mode: 'index', intersect: false },
              plugins: { tooltip: { callbacks: { label: (c) => (picked.type === 'categorical' ? `${formatCount(c.parsed.y)} scores` : formatAverage(picked.type, c.parsed.y, 4)) } } },
              scales: { x: timeAxis, y: { beginAtZero: true } },
            }}
            height={260}
          />
        )}
      </Panel>
      <Panel title={`${name || 'Score'} by agent`} height={160} loading={overview.isPending || byAgent.isPending} error={byAgent.error} onRetry={() => void byAgent.refetch()}>
        <Table striped data-testid="quality-by-agent">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Agent</Table.Th>
              <Table.Th ta="right">Scores</Table.Th>
              <Table.Th ta="right">Average</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {byAgent.data?.data.map((a) => (
              <Table.Tr key={a.agent_id}>
                <Table.Td>{a.agent_id}</Table.Td>
                <Table.Td ta="right">{formatCount(a.count)}</Table.Td>
                <Table.Td ta="right">{picked ? formatAverage(picked.type, a.avg, 4) : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Panel>
      {categorical.map((n) => (
        <Panel key={n.name} title={`${n.name}: values`} height={220} loading={false} error={null} onRetry={() => void overview.refetch()}>
          <Bar
            data={{
              labels: Object.keys(n.distribution ?? {}),
              datasets: [{ label: 'Scores', data: Object.values(n.distribution ?? {}), backgroundColor: Object.keys(n.distribution ?? {}).map((_, i) => color(i)) }],
            }}
            options={{ maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { callback: (v) => formatCount(Number(v)) } } } }}
            height={220}
          />
        </Panel>
      ))}
      <EvaluatorsPanel />
    </Stack>
  );
}

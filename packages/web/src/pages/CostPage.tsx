import { Alert, Anchor, Badge, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Line } from 'react-chartjs-2';
import { color, partialBucketMarks, timeAxis } from '../charts.js';
import { CostBars, costBarsHeight } from '../components/CostBars.js';
import { KpiCard } from '../components/KpiCard.js';
import { Panel } from '../components/Panel.js';
import { EmptyState } from '../components/states.js';
import { formatBucket, formatUsd } from '../format.js';
import { useRefetchInterval } from '../auto-refresh.js';
import { useTRPC } from '../trpc.js';
import { BudgetPanel } from './BudgetPanel.js';
import { CostByTagPanel } from './CostByTagPanel.js';
import { trendSeries } from './cost-trend.js';
import { downloadCsv } from '../csv-download.js';
import { bucketDrill, onChartClick, windowDrill } from '../drill.js';
import type { PageProps } from './page-props.js';

export default function CostPage({ input, workspaceId, onOpenPage, drill }: PageProps) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const overview = useQuery(trpc.cost.overview.queryOptions(input, { refetchInterval }));
  const trend = useQuery(trpc.cost.trend.queryOptions(input, { refetchInterval }));
  const trendMarks = trend.data && partialBucketMarks(trend.data);
  const byModel = useQuery(trpc.cost.byModel.queryOptions(input, { refetchInterval }));
  const modelBarsHeight = costBarsHeight(byModel.data?.data.length ?? 0);
  const o = overview.data;

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <KpiCard label="Total cost" value={o ? formatUsd(o.total_cost_usd) : null} />
        <KpiCard label="Avg cost per call" value={o ? formatUsd(o.avg_cost_per_call_usd) : null} />
        <KpiCard
          label="Budget remaining"
          value={o ? (o.budget_remaining_usd === null ? 'No budget' : formatUsd(o.budget_remaining_usd)) : null}
          hint={o?.budget_usd ? `of ${formatUsd(o.budget_usd)} this month` : undefined}
        />
        <KpiCard label="Projected month" value={o ? formatUsd(o.projected_month_usd) : null} hint={o ? `${formatUsd(o.month_to_date_usd)} so far` : undefined} />
      </SimpleGrid>
      {o && o.unpriced_calls > 0 && (
        <Alert color="yellow" role="status" data-testid="unpriced">
          <Group gap="sm">
            <Badge color="yellow">{o.unpriced_calls} unpriced</Badge>
            <Text size="sm">
              {o.unpriced_calls === 1 ? 'One call' : `${o.unpriced_calls} calls`} of a model with no known price counted $0 (
              {byModel.data?.data
                .filter((m) => m.unpriced_calls > 0)
                .map((m) => m.model)
                .join(', ')}
              ).
            </Text>
            <Anchor component="button" size="sm" onClick={() => onOpenPage('prices')}>
              Set a price
            </Anchor>
          </Group>
        </Alert>
      )}
      <Group justify="flex-end">
        <Anchor component="button" size="sm" onClick={() => onOpenPage('prices')}>
          Prices per model
        </Anchor>
      </Group>
      {o && o.total_cost_usd === 0 && byModel.data?.data.length === 0 && <EmptyState workspaceId={workspaceId} />}
      <Panel
        title="Cost over time by model"
        height={300}
        loading={trend.isPending}
        error={trend.error}
        onRetry={() => void trend.refetch()}
        onCsv={
          trend.data &&
          (() => {
            const series = trendSeries(trend.data);
            downloadCsv('cost-trend.csv', ['timestamp', 'total_cost_usd', ...series.map((x) => x.label)], trend.data.data.map((d, i) => [d.timestamp, d.total_cost_usd, ...series.map((x) => x.data[i])]));
          })
        }
      >
        {trend.data && trendMarks && (
          <Line
            data={{
              labels: trend.data.data.map((d) => formatBucket(d.timestamp, trend.data.granularity)),
              datasets: trendSeries(trend.data).map((series, i) => ({
                ...series,
                borderColor: color(i),
                backgroundColor: `${color(i)}88`,
                fill: true,
                pointRadius: 0,
                segment: trendMarks.segment,
              })),
            }}
            options={{
              maintainAspectRatio: false,
              interaction: { mode: 'index', intersect: false },
              // The bucket, and the model of the series clicked nearest ("Other" is several models: the bucket alone).
              onClick: onChartClick((i, dataset) => {
                const model = trend.data.models[dataset];
                drill({ ...bucketDrill(trend.data.data[i]!.timestamp, trend.data.granularity, trend.data), ...(model ? { model } : {}) });
              }),
              plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatUsd(c.parsed.y)}`, footer: trendMarks.footer } } },
              scales: { x: timeAxis, y: { stacked: true, beginAtZero: true, ticks: { callback: (v) => formatUsd(Number(v)) } } },
            }}
            height={300}
          />
        )}
      </Panel>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Panel
          title="Cost by model"
          height={modelBarsHeight}
          loading={byModel.isPending}
          error={byModel.error}
          onRetry={() => void byModel.refetch()}
          onCsv={
            byModel.data &&
            (() =>
              downloadCsv(
                'cost-by-model.csv',
                ['model', 'cost_usd', 'calls', 'input_tokens', 'output_tokens', 'avg_cost_per_call_usd', 'percentage'],
                byModel.data.data.map((m) => [m.model, m.cost_usd, m.calls, m.input_tokens, m.output_tokens, m.avg_cost_per_call_usd, m.percentage]),
              ))
          }
        >
          {byModel.data && (
            <CostBars
              bars={byModel.data.data.map((m, i) => ({ label: m.model, cost: m.cost_usd, percentage: m.percentage, color: color(i) }))}
              height={modelBarsHeight}
              onBar={(i) => drill({ ...windowDrill(byModel.data), model: byModel.data.data[i]!.model })}
            />
          )}
        </Panel>
        <CostByTagPanel input={input} drill={drill} />
        <BudgetPanel />
      </SimpleGrid>
    </Stack>
  );
}

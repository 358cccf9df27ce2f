import { useQuery } from '@tanstack/react-query';
import { Bar } from 'react-chartjs-2';
import { useRefetchInterval } from '../auto-refresh.js';
import { color } from '../charts.js';
import { Panel } from '../components/Panel.js';
import { formatPct, formatUsd } from '../format.js';
import { useTRPC } from '../trpc.js';
import { describeTagBars, tagBars, UNTAGGED } from './cost-by-tag.js';
import type { PageProps } from './page-props.js';

const UNTAGGED_COLOR = '#adb5bd';

/** Spend per tag in the view's window and filters, untagged calls last and grey. */
export function CostByTagPanel({ input }: Pick<PageProps, 'input'>) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const byTag = useQuery(trpc.cost.byTag.queryOptions(input, { refetchInterval }));
  const bars = byTag.data ? tagBars(byTag.data) : [];
  return (
    <Panel title="Cost by tag" height={300} loading={byTag.isPending} error={byTag.error} onRetry={() => void byTag.refetch()}>
      {byTag.data && (
        <Bar
          aria-label={describeTagBars(bars)}
          role="img"
          data={{
            labels: bars.map((b) => b.label),
            datasets: [{ label: 'Cost', data: bars.map((b) => b.cost), backgroundColor: bars.map((b, i) => (b.label === UNTAGGED ? UNTAGGED_COLOR : color(i))) }],
          }}
          options={{
            indexAxis: 'y',
            maintainAspectRatio: false,
            plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => `${formatUsd(c.parsed.x)} (${formatPct(bars[c.dataIndex]?.percentage)})` } } },
            scales: { x: { beginAtZero: true, ticks: { callback: (v) => formatUsd(Number(v)) } } },
          }}
          height={300}
        />
      )}
    </Panel>
  );
}

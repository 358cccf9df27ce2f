import { Bar } from 'react-chartjs-2';
import { onChartClick } from '../drill.js';
import { formatPct, formatUsd } from '../format.js';

export interface CostBar {
  label: string;
  cost: number;
  percentage: number;
  color: string;
}

/** Pixels a bar's row needs for its label to be drawn. */
const ROW_PX = 22;

/** The height of a chart of `bars` bars: at least `min`, and room for every bar's label beyond that (CostBars skips none). */
export function costBarsHeight(bars: number, min = 300): number {
  return Math.max(min, bars * ROW_PX + 40);
}

/** Horizontal bars of spend, largest first as given, each with its share in the tooltip; a click on a bar calls `onBar` with its index. */
export function CostBars({ bars, label, height, onBar }: { bars: CostBar[]; label?: string; height: number; onBar?: (index: number) => void }) {
  return (
    <Bar
      aria-label={label}
      role={label ? 'img' : undefined}
      data={{
        labels: bars.map((b) => b.label),
        datasets: [{ label: 'Cost', data: bars.map((b) => b.cost), backgroundColor: bars.map((b) => b.color) }],
      }}
      options={{
        indexAxis: 'y',
        maintainAspectRatio: false,
        // A click anywhere on a bar's row picks it, as on the other charts.
        ...(onBar ? { interaction: { mode: 'index' as const, axis: 'y' as const, intersect: false }, onClick: onChartClick((index) => onBar(index)) } : {}),
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => `${formatUsd(c.parsed.x)} (${formatPct(bars[c.dataIndex]?.percentage)})` } } },
        // Every bar keeps its label: the caller gives the chart costBarsHeight() of its bars.
        scales: { x: { beginAtZero: true, ticks: { callback: (v) => formatUsd(Number(v)) } }, y: { ticks: { autoSkip: false } } },
      }}
      height={height}
    />
  );
}

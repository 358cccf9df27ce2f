import { useQuery } from '@tanstack/react-query';
import { useRefetchInterval } from '../auto-refresh.js';
import { color } from '../charts.js';
import { CostBars, costBarsHeight } from '../components/CostBars.js';
import { downloadCsv } from '../csv-download.js';
import { Panel } from '../components/Panel.js';
import { windowDrill } from '../drill.js';
import { useTRPC } from '../trpc.js';
import { describeTagBars, tagBars, tagCsvRows, UNTAGGED } from './cost-by-tag.js';
import type { PageProps } from './page-props.js';

const UNTAGGED_COLOR = '#adb5bd';

/** Spend per tag in the view's window and filters, untagged calls last and grey. */
export function CostByTagPanel({ input, drill }: Pick<PageProps, 'input' | 'drill'>) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const byTag = useQuery(trpc.cost.byTag.queryOptions(input, { refetchInterval }));
  const bars = byTag.data ? tagBars(byTag.data) : [];
  const height = costBarsHeight(bars.length);
  return (
    <Panel
      title="Cost by tag"
      height={height}
      loading={byTag.isPending}
      error={byTag.error}
      onRetry={() => void byTag.refetch()}
      onCsv={byTag.data && (() => downloadCsv('cost-by-tag.csv', ['tag', 'calls', 'cost_usd', 'percentage'], tagCsvRows(byTag.data)))}
    >
      {byTag.data && (
        <CostBars
          label={describeTagBars(bars)}
          bars={bars.map((b, i) => ({ ...b, color: b.label === UNTAGGED ? UNTAGGED_COLOR : color(i) }))}
          height={height}
          // A tag's bar opens its calls; untagged calls have no filter of their own.
          onBar={(i) => {
            if (bars[i]!.label !== UNTAGGED) drill({ ...windowDrill(byTag.data), tag: bars[i]!.label });
          }}
        />
      )}
    </Panel>
  );
}

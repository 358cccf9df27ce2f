import { Alert, Button, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import type { AgentValue } from '@pulse/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Line } from 'react-chartjs-2';
import { useRefetchInterval } from '../auto-refresh.js';
import { color, partialBucketMarks, timeAxis } from '../charts.js';
import { KpiCard } from '../components/KpiCard.js';
import { Panel } from '../components/Panel.js';
import { EmptyState } from '../components/states.js';
import { formatBucket, formatChange, formatCount, formatPct, formatUsd } from '../format.js';
import { useTRPC } from '../trpc.js';
import { AgentValueModal } from './AgentValueModal.js';
import type { PageProps } from './page-props.js';

const formatRoi = (roi: number | null | undefined) => (roi === null || roi === undefined ? '—' : `${roi.toFixed(2)}×`);

/** A change where going down is the good news (cost, cost per success). */
const inverted = (change: { text: string; up: boolean } | null) => change && { text: change.text, up: !change.up };

/** How an agent's settings read in the table: "$2.50 a task" or "6 min at $60/h", and what decides success. */
function describe(v: AgentValue | undefined): string {
  if (!v) return '—';
  const value =
    v.minutes_saved !== null
      ? `${v.minutes_saved} min at ${formatUsd(v.hourly_rate_usd)}/h`
      : `${formatUsd(v.value_per_success_usd)} a task`;
  return `${value}, ${v.success === 'score' ? `when ${v.success_score} is true` : 'when successful'}`;
}

/** What the agents are worth (docs/API_SPEC.md §14): value of successful tasks against their LLM cost. */
export default function ImpactPage({ input, workspaceId }: PageProps) {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const overview = useQuery(trpc.impact.overview.queryOptions(input, { refetchInterval }));
  const trend = useQuery(trpc.impact.trend.queryOptions(input, { refetchInterval }));
  const trendMarks = trend.data && partialBucketMarks(trend.data);
  const byAgent = useQuery(trpc.impact.byAgent.queryOptions(input, { refetchInterval }));
  const settings = useQuery(trpc.impact.listAgents.queryOptions({}, { refetchInterval }));
  const [editing, setEditing] = useState<string | null>(null);
  const stored = new Map((settings.data?.data ?? []).map((s) => [s.agent_id, s]));
  const o = overview.data;
  const p = o?.previous;
  const empty = o !== undefined && o.configured_agents === 0 && o.unconfigured.length === 0;

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
        <KpiCard
          label="Value"
          value={o ? formatUsd(o.value_usd) : null}
          change={o && formatChange(o.value_usd, p!.value_usd)}
          hint={o ? `${formatCount(o.successes)} successful tasks` : undefined}
        />
        <KpiCard
          label="LLM cost"
          value={o ? formatUsd(o.cost_usd) : null}
          change={o && inverted(formatChange(o.cost_usd, p!.cost_usd))}
          hint={o ? `${formatCount(o.tasks)} tasks` : undefined}
        />
        <KpiCard
          label="Net value"
          value={o ? formatUsd(o.net_value_usd) : null}
          change={o && formatChange(o.net_value_usd, p!.net_value_usd)}
        />
        <KpiCard
          label="ROI"
          value={o ? formatRoi(o.roi) : null}
          change={o && formatChange(o.roi, p!.roi)}
          hint="value per dollar of LLM cost"
        />
        <KpiCard
          label="Cost per successful task"
          value={o ? formatUsd(o.cost_per_success_usd) : null}
          change={o && inverted(formatChange(o.cost_per_success_usd, p!.cost_per_success_usd))}
        />
        <KpiCard
          label="Success rate"
          value={o ? formatPct(o.success_rate_pct) : null}
          change={o && formatChange(o.success_rate_pct, p!.success_rate_pct)}
          hint={o && o.unscored > 0 ? `${formatCount(o.unscored)} calls without their score` : undefined}
        />
      </SimpleGrid>
      {empty && <EmptyState workspaceId={workspaceId} />}
      {o && o.configured_agents === 0 && o.unconfigured.length > 0 && (
        <Alert color="blue" title="What is a successful task worth?" data-testid="impact-prompt">
          Set a value for your agents below: per successful task, or as minutes saved at an hourly rate. Value, net
          value and ROI follow.
        </Alert>
      )}
      <Panel
        title="Value and LLM cost"
        height={280}
        loading={trend.isPending}
        error={trend.error}
        onRetry={() => void trend.refetch()}
      >
        {trend.data && trendMarks && (
          <Line
            data-testid="impact-trend"
            data={{
              labels: trend.data.data.map((d) => formatBucket(d.timestamp, trend.data.granularity)),
              datasets: [
                {
                  label: 'Value',
                  data: trend.data.data.map((d) => d.value_usd),
                  borderColor: color(1),
                  backgroundColor: `${color(1)}33`,
                  fill: true,
                  pointRadius: 0,
                  tension: 0.25,
                  segment: trendMarks.segment,
                },
                {
                  label: 'LLM cost',
                  yAxisID: 'cost',
                  data: trend.data.data.map((d) => d.cost_usd),
                  borderColor: color(3),
                  backgroundColor: color(3),
                  pointRadius: 0,
                  tension: 0.25,
                  segment: trendMarks.segment,
                },
              ],
            }}
            options={{
              maintainAspectRatio: false,
              responsive: true,
              interaction: { mode: 'index', intersect: false },
              plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatUsd(Number(c.raw))}`, footer: trendMarks.footer } } },
              // Cost on its own axis: value is often hundreds of times the cost, which would
              // flatten the cost line on a shared one.
              scales: {
                x: timeAxis,
                y: {
                  beginAtZero: true,
                  title: { display: true, text: 'Value' },
                  ticks: { callback: (v) => formatUsd(Number(v)) },
                },
                cost: {
                  position: 'right',
                  beginAtZero: true,
                  title: { display: true, text: 'LLM cost' },
                  grid: { drawOnChartArea: false },
                  ticks: { callback: (v) => formatUsd(Number(v)) },
                },
              },
            }}
            height={280}
          />
        )}
      </Panel>
      <Panel
        title="Agents by net value"
        height={120}
        loading={byAgent.isPending}
        error={byAgent.error}
        onRetry={() => void byAgent.refetch()}
      >
        {byAgent.data?.data.length === 0 ? (
          <Text c="dimmed" size="sm">
            No agent has a value yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table striped data-testid="impact-agents">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Agent</Table.Th>
                  <Table.Th>Tasks</Table.Th>
                  <Table.Th>Success rate</Table.Th>
                  <Table.Th>Value</Table.Th>
                  <Table.Th>LLM cost</Table.Th>
                  <Table.Th>Net value</Table.Th>
                  <Table.Th>ROI</Table.Th>
                  <Table.Th>Valued at</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {byAgent.data?.data.map((a) => (
                  <Table.Tr key={a.agent_id} data-agent={a.agent_id}>
                    <Table.Td>{a.agent_id}</Table.Td>
                    <Table.Td>{formatCount(a.tasks)}</Table.Td>
                    <Table.Td>{formatPct(a.success_rate_pct)}</Table.Td>
                    <Table.Td>{formatUsd(a.value_usd)}</Table.Td>
                    <Table.Td>{formatUsd(a.cost_usd)}</Table.Td>
                    <Table.Td c={a.net_value_usd < 0 ? 'red' : undefined}>{formatUsd(a.net_value_usd)}</Table.Td>
                    <Table.Td>{formatRoi(a.roi)}</Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {describe(stored.get(a.agent_id))}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        onClick={() => setEditing(a.agent_id)}
                        aria-label={`Edit the value of ${a.agent_id}`}
                      >
                        Edit
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Panel>
      {byAgent.data && byAgent.data.unconfigured.length > 0 && (
        <Panel title="Agents without a value" height={60} loading={false} error={null} onRetry={() => undefined}>
          <Table data-testid="impact-unconfigured">
            <Table.Tbody>
              {byAgent.data.unconfigured.map((u) => (
                <Table.Tr key={u.agent_id} data-agent={u.agent_id}>
                  <Table.Td>{u.agent_id}</Table.Td>
                  <Table.Td>{formatCount(u.calls)} calls</Table.Td>
                  <Table.Td>{formatUsd(u.cost_usd)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="light"
                      onClick={() => setEditing(u.agent_id)}
                      aria-label={`Set value of ${u.agent_id}`}
                    >
                      Set value
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Panel>
      )}
      {editing !== null && (
        <AgentValueModal
          key={editing}
          agentId={editing}
          stored={stored.get(editing)}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

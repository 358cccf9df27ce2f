import { Alert, Card, Group, Progress, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useRefetchInterval } from '../auto-refresh.js';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { formatUsd } from '../format.js';
import { useTRPC } from '../trpc.js';
import { BudgetForm } from './BudgetForm.js';

const STATUS_COLOR = { no_budget: 'gray', ok: 'teal', warning: 'yellow', exceeded: 'red' } as const;

/** The monthly budget: progress coloured by status, an alert past the threshold, and the form. */
export function BudgetPanel() {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const budget = useQuery(trpc.cost.budget.queryOptions({}, { refetchInterval }));

  const failed = budget.error && <ErrorState message={budget.error.message} onRetry={() => void budget.refetch()} />;
  if (!budget.data) return failed || <LoadingBlock height={220} />;
  const b = budget.data;

  return (
    <Card withBorder radius="md" padding="md" data-testid="budget-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>Monthly budget</Text>
          <Text size="sm" c={STATUS_COLOR[b.status]} fw={600} data-testid="budget-status">
            {b.status.replace('_', ' ')}
          </Text>
        </Group>
        {/* A failed refresh leaves the last budget and the form as they are. */}
        {failed}
        {b.status === 'warning' && (
          <Alert color="yellow" title="Budget warning" data-testid="budget-alert">
            {b.used_pct?.toFixed(2)}% of the monthly budget is used ({formatUsd(b.month_to_date_usd)} of {formatUsd(b.monthly_limit_usd)}).
          </Alert>
        )}
        {b.status === 'exceeded' && (
          <Alert color="red" title="Budget exceeded" data-testid="budget-alert">
            Spend this month is {formatUsd(b.month_to_date_usd)}, above the {formatUsd(b.monthly_limit_usd)} budget.
          </Alert>
        )}
        <Progress value={Math.min(100, b.used_pct ?? 0)} color={STATUS_COLOR[b.status]} size="lg" aria-label="Budget used" />
        <Text size="sm" c="dimmed">
          {formatUsd(b.month_to_date_usd)} spent this month · projected {formatUsd(b.projected_month_usd)}
          {b.monthly_limit_usd !== null && ` · ${formatUsd(b.remaining_usd)} remaining`}
        </Text>
        <BudgetForm budget={b} />
      </Stack>
    </Card>
  );
}

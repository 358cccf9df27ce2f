import { Alert, Button, Card, Group, NumberInput, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { formatUsd } from '../format.js';
import { useRefetchInterval } from '../auto-refresh.js';
import { useTRPC } from '../trpc.js';

const STATUS_COLOR = { no_budget: 'gray', ok: 'teal', warning: 'yellow', exceeded: 'red' } as const;

/** The monthly budget: progress coloured by status, an alert past the threshold, and the form. */
export function BudgetPanel() {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const queryClient = useQueryClient();
  const budget = useQuery(trpc.cost.budget.queryOptions({}, { refetchInterval }));
  const [limit, setLimit] = useState<number | string>('');
  const [threshold, setThreshold] = useState<number | string>(80);
  const [formError, setFormError] = useState<string | null>(null);
  const save = useMutation(
    trpc.cost.setBudget.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(),
    }),
  );

  useEffect(() => {
    if (!budget.data) return;
    setLimit(budget.data.monthly_limit_usd ?? '');
    setThreshold(budget.data.alert_threshold_pct);
  }, [budget.data]);

  if (budget.error) return <ErrorState message={budget.error.message} onRetry={() => void budget.refetch()} />;
  if (!budget.data) return <LoadingBlock height={220} />;
  const b = budget.data;

  const submit = (remove: boolean) => {
    setFormError(null);
    if (remove) return save.mutate({ monthly_limit_usd: null, alert_threshold_pct: Number(threshold) || 80 });
    const l = Number(limit);
    const t = Number(threshold);
    if (!(l > 0)) return setFormError('The monthly limit must be a number above 0.');
    if (!Number.isInteger(t) || t < 1 || t > 100) return setFormError('The alert threshold must be a whole number from 1 to 100.');
    save.mutate({ monthly_limit_usd: l, alert_threshold_pct: t });
  };

  return (
    <Card withBorder radius="md" padding="md" data-testid="budget-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fw={600}>Monthly budget</Text>
          <Text size="sm" c={STATUS_COLOR[b.status]} fw={600} data-testid="budget-status">
            {b.status.replace('_', ' ')}
          </Text>
        </Group>
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
        <Group align="flex-end" wrap="wrap">
          <NumberInput label="Monthly limit (USD)" value={limit} onChange={setLimit} min={0} decimalScale={2} prefix="$" w={180} />
          <NumberInput label="Alert at (% used)" value={threshold} onChange={setThreshold} min={1} max={100} w={140} />
          <Button onClick={() => submit(false)} loading={save.isPending}>
            Save budget
          </Button>
          {b.monthly_limit_usd !== null && (
            <Button variant="subtle" color="red" onClick={() => submit(true)} disabled={save.isPending}>
              Remove
            </Button>
          )}
        </Group>
        {(formError ?? save.error?.message) && (
          <Text size="sm" c="red" role="alert">
            {formError ?? save.error?.message}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

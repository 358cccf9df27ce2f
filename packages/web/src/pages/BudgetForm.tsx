import { Button, Group, NumberInput, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc.js';
import { type Budget, type BudgetFormErrors, type BudgetFormValues, budgetFormValues, parseBudgetForm, sameBudgetFormValues } from './budget-form.js';

/**
 * The limit and alert threshold, as the user types them. They start from the server's budget
 * once; after that only a successful save or Reset replaces them, so an auto-refresh never
 * wipes a half-typed limit.
 */
export function BudgetForm({ budget }: { budget: Budget }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState(() => budgetFormValues(budget));
  const [errors, setErrors] = useState<BudgetFormErrors>({});
  const save = useMutation(
    trpc.cost.setBudget.mutationOptions({
      onSuccess: (saved) => {
        setValues(budgetFormValues(saved));
        return queryClient.invalidateQueries();
      },
    }),
  );
  const serverValues = budgetFormValues(budget);
  const message = Object.values(errors).join(' ') || save.error?.message;

  const submit = (form: BudgetFormValues) => {
    const parsed = parseBudgetForm(form);
    setErrors(parsed.errors ?? {});
    if (parsed.input) save.mutate(parsed.input);
  };

  return (
    <Stack gap="sm">
      <Group align="flex-end" wrap="wrap">
        <NumberInput
          label="Monthly limit (USD)"
          value={values.limit}
          onChange={(limit) => setValues((v) => ({ ...v, limit }))}
          error={Boolean(errors.monthly_limit_usd)}
          min={0}
          decimalScale={2}
          prefix="$"
          w={180}
        />
        <NumberInput
          label="Alert at (% used)"
          value={values.threshold}
          onChange={(threshold) => setValues((v) => ({ ...v, threshold }))}
          error={Boolean(errors.alert_threshold_pct)}
          min={1}
          max={100}
          w={140}
        />
        <Button onClick={() => submit(values)} loading={save.isPending}>
          Save budget
        </Button>
        {budget.monthly_limit_usd !== null && (
          <Button variant="subtle" color="red" onClick={() => submit({ ...values, limit: '' })} disabled={save.isPending}>
            Remove
          </Button>
        )}
        {!sameBudgetFormValues(values, serverValues) && (
          <Button
            variant="subtle"
            color="gray"
            onClick={() => {
              setValues(serverValues);
              setErrors({});
            }}
          >
            Reset
          </Button>
        )}
      </Group>
      {message && (
        <Text size="sm" c="red" role="alert">
          {message}
        </Text>
      )}
    </Stack>
  );
}

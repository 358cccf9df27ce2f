import { Badge, Button, Card, Group, NumberInput, Stack, Table, Text, TextInput } from '@mantine/core';
import type { PriceView } from '@pulse/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useRefetchInterval } from '../auto-refresh.js';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { useTRPC } from '../trpc.js';
import { type PriceFormValues, parsePriceForm, priceFormValues } from './price-form.js';

const PRICE_FIELDS = [
  ['input', 'Input'],
  ['output', 'Output'],
  ['cacheRead', 'Cache read'],
  ['cacheWrite', 'Cache write'],
] as const;

/**
 * The workspace's prices (docs/API_SPEC.md §9): every catalog model and every price of its own,
 * edited in place. Saving or removing one re-prices the stored calls, so every figure is refetched.
 */
export default function PricesPage() {
  const trpc = useTRPC();
  const refetchInterval = useRefetchInterval();
  const prices = useQuery(trpc.prices.list.queryOptions({}, { refetchInterval }));
  const [editing, setEditing] = useState<string | null>(null);
  const [filter, setFilter] = useState('');

  if (prices.error) return <ErrorState message={prices.error.message} onRetry={() => void prices.refetch()} />;
  if (!prices.data) return <LoadingBlock height={400} />;
  const rows = prices.data.data.filter((p) => p.model.toLowerCase().includes(filter.trim().toLowerCase()));
  const known = prices.data.data.some((p) => p.model === filter.trim());

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        USD per million tokens. A price of your own replaces the catalog's for that exact model name, from its effective date on (empty: for
        every call), and re-prices the calls already stored; calls sent with their own cost never change.
      </Text>
      <Group align="flex-end">
        <TextInput label="Find or add a model" placeholder="model name" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} w={280} />
        {filter.trim() && !known && (
          <Button variant="light" onClick={() => setEditing(filter.trim())}>
            Set a price for {filter.trim()}
          </Button>
        )}
      </Group>
      <Card withBorder radius="md" padding={0}>
        <Table striped highlightOnHover data-testid="prices-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Model</Table.Th>
              {PRICE_FIELDS.map(([, label]) => (
                <Table.Th key={label}>{label}</Table.Th>
              ))}
              <Table.Th>Effective from</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {editing !== null && !prices.data.data.some((p) => p.model === editing) && (
              <PriceEditor model={editing} price={null} onDone={() => setEditing(null)} />
            )}
            {rows.map((p) =>
              editing === p.model ? (
                <PriceEditor key={p.model} model={p.model} price={p} onDone={() => setEditing(null)} />
              ) : (
                <PriceRow key={p.model} price={p} onEdit={() => setEditing(p.model)} />
              ),
            )}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}

function PriceRow({ price, onEdit }: { price: PriceView; onEdit: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.prices.remove.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
  return (
    <Table.Tr data-model={price.model}>
      <Table.Td>{price.model}</Table.Td>
      <Table.Td>{price.input_per_mtok_usd}</Table.Td>
      <Table.Td>{price.output_per_mtok_usd}</Table.Td>
      <Table.Td>{price.cache_read_per_mtok_usd}</Table.Td>
      <Table.Td>{price.cache_write_per_mtok_usd}</Table.Td>
      <Table.Td>{price.effective_from ?? '—'}</Table.Td>
      <Table.Td>
        <Badge variant="light" color={price.source === 'override' ? 'blue' : 'gray'}>
          {price.source === 'override' ? 'yours' : 'catalog'}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-xs" variant="subtle" onClick={onEdit}>
            Edit
          </Button>
          {price.source === 'override' && (
            <Button size="compact-xs" variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate({ model: price.model })}>
              Delete
            </Button>
          )}
        </Group>
        {remove.error && (
          <Text size="xs" c="red" role="alert">
            {remove.error.message}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function PriceEditor({ model, price, onDone }: { model: string; price: PriceView | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<PriceFormValues>(() => priceFormValues(price));
  const [error, setError] = useState<string | null>(null);
  const save = useMutation(
    trpc.prices.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        onDone();
      },
    }),
  );
  const submit = () => {
    const parsed = parsePriceForm(model, values);
    setError(parsed.error ?? null);
    if (parsed.input) save.mutate(parsed.input);
  };
  return (
    <Table.Tr data-model={model} data-editing="true">
      <Table.Td>{model}</Table.Td>
      {PRICE_FIELDS.map(([key, label]) => (
        <Table.Td key={key}>
          <NumberInput
            aria-label={`${label} price of ${model}`}
            value={values[key]}
            onChange={(v) => setValues((old) => ({ ...old, [key]: v }))}
            min={0}
            decimalScale={9}
            hideControls
            w={100}
            size="xs"
          />
        </Table.Td>
      ))}
      <Table.Td>
        <TextInput
          aria-label={`Effective from, for ${model}`}
          placeholder="always"
          value={values.effectiveFrom}
          onChange={(e) => setValues((old) => ({ ...old, effectiveFrom: e.currentTarget.value }))}
          w={200}
          size="xs"
        />
      </Table.Td>
      <Table.Td />
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-xs" onClick={submit} loading={save.isPending}>
            Save
          </Button>
          <Button size="compact-xs" variant="subtle" color="gray" onClick={onDone}>
            Cancel
          </Button>
        </Group>
        {(error ?? save.error?.message) && (
          <Text size="xs" c="red" role="alert">
            {error ?? save.error?.message}
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

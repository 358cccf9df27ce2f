import { Button, Card, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorState, LoadingBlock } from './states.js';

/** A titled card that shows loading, error or its content at a fixed height. */
export function Panel(props: {
  title: string;
  height: number;
  loading: boolean;
  error: { message: string } | null;
  onRetry: () => void;
  /** Offers the panel's data as a CSV file (a chart's series, a table's rows). */
  onCsv?: () => void;
  children: ReactNode;
}) {
  return (
    <Card withBorder radius="md" padding="md">
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Text fw={600}>{props.title}</Text>
        {props.onCsv && (
          <Button size="compact-xs" variant="subtle" onClick={props.onCsv} aria-label={`${props.title}: download CSV`}>
            CSV
          </Button>
        )}
      </Group>
      {props.error ? (
        <ErrorState message={props.error.message} onRetry={props.onRetry} />
      ) : props.loading ? (
        <LoadingBlock height={props.height} />
      ) : (
        <div style={{ minHeight: props.height, position: 'relative' }}>{props.children}</div>
      )}
    </Card>
  );
}

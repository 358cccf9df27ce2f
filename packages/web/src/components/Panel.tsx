import { Card, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorState, LoadingBlock } from './states.js';

/** A titled card that shows loading, error or its content at a fixed height. */
export function Panel(props: {
  title: string;
  height: number;
  loading: boolean;
  error: { message: string } | null;
  onRetry: () => void;
  children: ReactNode;
}) {
  return (
    <Card withBorder radius="md" padding="md">
      <Text fw={600} mb="sm">
        {props.title}
      </Text>
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

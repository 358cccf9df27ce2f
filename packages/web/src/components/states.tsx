import { Alert, Button, Code, Skeleton, Stack, Text } from '@mantine/core';

/** Placeholder of the final size, so the layout does not jump when data arrives. */
export function LoadingBlock({ height }: { height: number }) {
  return <Skeleton height={height} radius="md" data-testid="loading" />;
}

export function ErrorState({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Alert color="red" title="Could not load this" role="alert">
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        <Button size="xs" variant="light" color="red" onClick={onRetry} w="fit-content">
          Retry
        </Button>
      </Stack>
    </Alert>
  );
}

/** Shown when the workspace has no traces in the window: how to send the first one. */
export function EmptyState({ workspaceId }: { workspaceId: string }) {
  const now = new Date().toISOString();
  const snippet = `curl -X POST ${window.location.origin}/api/v1/traces \\
  -H "Authorization: Bearer $PULSE_KEY" -H "Content-Type: application/json" \\
  -H "X-Workspace-ID: ${workspaceId}" \\
  -d '{"traces":[{"trace_id":"first-1","timestamp":"${now}","agent_id":"my-agent",
       "model":"gpt-4o","status":"success","latency_ms":850,"input_tokens":1000,"output_tokens":200}]}'`;
  return (
    <Stack gap="xs" data-testid="empty-state">
      <Text fw={600}>No traces in this window yet</Text>
      <Text size="sm" c="dimmed">
        Send your first trace, then refresh:
      </Text>
      <Code block>{snippet}</Code>
    </Stack>
  );
}

import { Anchor, Card, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc.js';
import { AlertsPanel } from './AlertsPanel.js';
import { BudgetPanel } from './BudgetPanel.js';
import { KeysPanel } from './KeysPanel.js';
import type { PageProps } from './page-props.js';

/**
 * The workspace's settings: its name, API keys, budget and alert rules. PII redaction and
 * retention (settings.get / settings.update) join here once the settings API is in; price
 * overrides have their own page.
 */
export default function SettingsPage({ workspaceId }: PageProps) {
  const trpc = useTRPC();
  const info = useQuery(trpc.workspace.info.queryOptions());
  return (
    <Stack>
      <Card withBorder radius="md" padding="md" data-testid="workspace-panel">
        <Text fw={600}>Workspace</Text>
        <Text size="sm" data-testid="settings-workspace-name">
          {info.data?.name ?? ''}
        </Text>
        <Text size="xs" c="dimmed">
          {workspaceId}
        </Text>
      </Card>
      <KeysPanel />
      <BudgetPanel />
      <AlertsPanel />
      <Card withBorder radius="md" padding="md">
        <Text size="sm" c="dimmed">
          Price overrides per model: see the <Anchor href="/api/docs">API reference</Anchor> (prices).
        </Text>
      </Card>
    </Stack>
  );
}

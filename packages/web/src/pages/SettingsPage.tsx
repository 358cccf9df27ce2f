import { Anchor, Card, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc.js';
import { AlertsPanel } from './AlertsPanel.js';
import { BudgetPanel } from './BudgetPanel.js';
import { DataSettingsPanel } from './DataSettingsPanel.js';
import { KeysPanel } from './KeysPanel.js';
import type { PageProps } from './page-props.js';

/**
 * The workspace's settings: its name, API keys, budget, alert rules, PII redaction and
 * retention; price overrides have their own page (Prices).
 */
export default function SettingsPage({ workspaceId, onOpenPage }: PageProps) {
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
      <DataSettingsPanel />
      <Card withBorder radius="md" padding="md">
        <Text size="sm" c="dimmed">
          Price overrides per model: on the{' '}
          <Anchor component="button" onClick={() => onOpenPage('prices')}>
            Prices
          </Anchor>{' '}
          page.
        </Text>
      </Card>
    </Stack>
  );
}

import { Badge, Card, Group, Skeleton, Text } from '@mantine/core';

interface KpiCardProps {
  label: string;
  value: string | null;
  /** e.g. "↑ 12.5%" against the previous period; shown as good news when up (more calls, users, agents). */
  change?: { text: string; up: boolean } | null;
  hint?: string;
}

export function KpiCard({ label, value, change, hint }: KpiCardProps) {
  return (
    <Card withBorder radius="md" padding="md" data-testid={`kpi-${label}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      {value === null ? (
        <Skeleton height={32} mt={6} data-testid="loading" />
      ) : (
        <Group gap="xs" align="baseline" mt={4}>
          <Text fz={26} fw={700}>
            {value}
          </Text>
          {change && (
            <Badge variant="light" color={change.up ? 'teal' : 'red'}>
              {change.text}
            </Badge>
          )}
        </Group>
      )}
      {hint && (
        <Text size="xs" c="dimmed" mt={4}>
          {hint}
        </Text>
      )}
    </Card>
  );
}

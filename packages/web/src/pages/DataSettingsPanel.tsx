import { Alert, Button, Card, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { settingsInputSchema } from '@pulse/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, LoadingBlock } from '../components/states.js';
import { useTRPC } from '../trpc.js';
import { checkForm } from './form-issues.js';

/**
 * PII redaction and retention (docs/API_SPEC.md §12): what ingest may store, and how long calls
 * are kept. The form starts from the stored settings and is checked with the API's own schema.
 */
export function DataSettingsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions({}));
  const [redact, setRedact] = useState<boolean | undefined>(undefined);
  const [retention, setRetention] = useState<string | undefined>(undefined);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.settings.get.queryKey({}), saved);
        setRedact(undefined);
        setRetention(undefined);
      },
    }),
  );

  if (settings.error) return <ErrorState message={settings.error.message} onRetry={() => void settings.refetch()} />;
  if (!settings.data) return <LoadingBlock height={120} />;
  const redactPii = redact ?? settings.data.redact_pii;
  const retentionText = retention ?? (settings.data.retention_days === null ? '' : String(settings.data.retention_days));

  const submit = () => {
    const days = retentionText.trim() === '' ? null : Number(retentionText);
    const checked = checkForm(settingsInputSchema, { redact_pii: redactPii, retention_days: days }, { redact_pii: 'Redaction', retention_days: 'Retention' });
    setErrors(checked.errors ?? {});
    if (checked.input) save.mutate(checked.input);
  };
  const message = Object.values(errors).join(' ') || save.error?.message;

  return (
    <Card withBorder radius="md" padding="md" data-testid="data-settings-panel">
      <Stack gap="sm">
        <Text fw={600}>Captured text and retention</Text>
        <Switch
          label="Redact PII and secrets before they are stored"
          description="E-mails, phone numbers, card numbers, IBANs and API keys in prompts and completions become [REDACTED:<type>]."
          checked={redactPii}
          onChange={(e) => setRedact(e.currentTarget.checked)}
        />
        <TextInput
          label="Retention (days)"
          description="Calls older than this are deleted, with their scores; empty keeps them."
          placeholder="keep forever"
          value={retentionText}
          onChange={(e) => setRetention(e.currentTarget.value)}
          w={220}
        />
        {message && (
          <Alert color="red" role="alert">
            {message}
          </Alert>
        )}
        <Group>
          <Button onClick={submit} loading={save.isPending}>
            Save
          </Button>
          {save.isSuccess && !message && (
            <Text size="sm" c="dimmed" data-testid="data-settings-saved">
              Saved.
            </Text>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

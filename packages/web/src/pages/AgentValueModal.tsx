import { Button, Group, Modal, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import type { AgentValue, SuccessKind } from '@pulse/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc.js';
import {
  type AgentValueFormValues,
  agentValueFormValues,
  parseAgentValueForm,
  type ValueForm,
} from './agent-value-form.js';

/**
 * What one agent's successful task is worth (docs/API_SPEC.md §14), in a modal: a value per
 * task or minutes saved at an hourly rate, and what makes a call a success. Saving or removing
 * refetches every figure: the impact answers follow the settings.
 */
export function AgentValueModal({
  agentId,
  stored,
  onClose,
}: {
  agentId: string;
  stored: AgentValue | undefined;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<AgentValueFormValues>(() => agentValueFormValues(stored));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const done = async () => {
    await queryClient.invalidateQueries();
    onClose();
  };
  const save = useMutation(trpc.impact.putAgent.mutationOptions({ onSuccess: done }));
  const remove = useMutation(trpc.impact.deleteAgent.mutationOptions({ onSuccess: done }));
  const set = (patch: Partial<AgentValueFormValues>) => setValues((v) => ({ ...v, ...patch }));

  const submit = () => {
    const parsed = parseAgentValueForm(values);
    setErrors(parsed.errors ?? {});
    if (parsed.input) save.mutate({ agent_id: agentId, ...parsed.input });
  };
  const failure = save.error?.message ?? remove.error?.message;

  return (
    <Modal opened onClose={onClose} title={`Value of ${agentId}`} centered>
      <Stack gap="sm">
        <SegmentedControl
          aria-label="How a task's value is given"
          value={values.form}
          onChange={(form) => set({ form: form as ValueForm })}
          data={[
            { value: 'per_task', label: 'Value per task' },
            { value: 'time_saved', label: 'Time saved' },
          ]}
        />
        {values.form === 'per_task' ? (
          <NumberInput
            label="Value per successful task (USD)"
            value={values.valuePerSuccess}
            onChange={(valuePerSuccess) => set({ valuePerSuccess })}
            error={errors.value_per_success_usd}
            min={0}
            decimalScale={6}
            prefix="$"
          />
        ) : (
          <Group grow align="flex-start">
            <NumberInput
              label="Minutes saved per task"
              value={values.minutesSaved}
              onChange={(minutesSaved) => set({ minutesSaved })}
              error={errors.minutes_saved}
              min={0}
              decimalScale={3}
            />
            <NumberInput
              label="Hourly rate (USD)"
              value={values.hourlyRate}
              onChange={(hourlyRate) => set({ hourlyRate })}
              error={errors.hourly_rate_usd ?? errors.value_per_success_usd}
              min={0}
              decimalScale={2}
              prefix="$"
            />
          </Group>
        )}
        <div>
          <Text size="sm" fw={500} mb={4}>
            A task succeeds when
          </Text>
          <SegmentedControl
            aria-label="What makes a call a success"
            fullWidth
            value={values.success}
            onChange={(success) => set({ success: success as SuccessKind })}
            data={[
              { value: 'status', label: 'its status is success' },
              { value: 'score', label: 'a score is true' },
            ]}
          />
        </div>
        {values.success === 'score' && (
          <TextInput
            label="Boolean score name"
            description="Calls without this score count as unscored, not as successes."
            placeholder="resolved"
            value={values.successScore}
            onChange={(e) => set({ successScore: e.currentTarget.value })}
            error={errors.success_score}
          />
        )}
        {failure && (
          <Text size="sm" c="red" role="alert">
            {failure}
          </Text>
        )}
        <Group justify="space-between">
          {stored ? (
            <Button
              variant="subtle"
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate({ agent_id: agentId })}
            >
              Remove
            </Button>
          ) : (
            <span />
          )}
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={submit} loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}

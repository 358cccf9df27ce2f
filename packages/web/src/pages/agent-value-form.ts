import { type AgentValue, agentValueBodySchema, type SuccessKind } from '@pulse/shared';
import { checkForm } from './form-issues.js';

/** How the value of a successful task is given: per task, or as time saved at an hourly rate (docs/API_SPEC.md §14). */
export type ValueForm = 'per_task' | 'time_saved';

/** What the form's inputs hold: Mantine gives '' for an empty number input and a string for text that is not yet a number. */
export interface AgentValueFormValues {
  form: ValueForm;
  valuePerSuccess: number | string;
  minutesSaved: number | string;
  hourlyRate: number | string;
  success: SuccessKind;
  successScore: string;
}

const LABELS: Record<string, string> = {
  value_per_success_usd: 'Value per successful task',
  minutes_saved: 'Minutes saved',
  hourly_rate_usd: 'Hourly rate',
  success: 'Success',
  success_score: 'Score name',
};

/** The form for an agent: its stored settings, or a value per task judged by status. */
export function agentValueFormValues(stored: AgentValue | undefined): AgentValueFormValues {
  const timed = stored?.minutes_saved != null;
  return {
    form: timed ? 'time_saved' : 'per_task',
    valuePerSuccess: stored && !timed ? stored.value_per_success_usd : '',
    minutesSaved: stored?.minutes_saved ?? '',
    hourlyRate: stored?.hourly_rate_usd ?? '',
    success: stored?.success ?? 'status',
    successScore: stored?.success_score ?? '',
  };
}

const numberOrAbsent = (v: number | string) => (v === '' ? undefined : Number(v));

/** The PUT body the form stands for, checked by the API's own schema, or its messages per field. */
export function parseAgentValueForm(values: AgentValueFormValues) {
  const body = {
    ...(values.form === 'per_task'
      ? { value_per_success_usd: numberOrAbsent(values.valuePerSuccess) }
      : { minutes_saved: numberOrAbsent(values.minutesSaved), hourly_rate_usd: numberOrAbsent(values.hourlyRate) }),
    success: values.success,
    ...(values.success === 'score' ? { success_score: values.successScore.trim() || undefined } : {}),
  };
  return checkForm(agentValueBodySchema, body, LABELS);
}

import type { AgentValueInput } from '@pulse/shared';

/**
 * What a successful task of the demo's agents is worth (docs/API_SPEC.md §14): most by status
 * with a value per task, some as minutes saved at an hourly rate, the sales copilot by its
 * human-reviewed `resolved` score (scores.ts). The data analyst has none, so the Impact page
 * shows its prompt to set one.
 */
export const DEMO_AGENT_VALUES: readonly AgentValueInput[] = [
  { agent_id: 'support-bot', value_per_success_usd: 1.5, success: 'status' },
  { agent_id: 'triage-router', value_per_success_usd: 0.2, success: 'status' },
  { agent_id: 'email-drafter', value_per_success_usd: 0.75, success: 'status' },
  { agent_id: 'code-reviewer', minutes_saved: 6, hourly_rate_usd: 90, success: 'status' },
  { agent_id: 'research-assistant', minutes_saved: 12, hourly_rate_usd: 60, success: 'status' },
  { agent_id: 'sales-copilot', value_per_success_usd: 25, success: 'score', success_score: 'resolved' },
];

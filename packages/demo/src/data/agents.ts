import type { ErrorKind } from './error-kinds.js';
import type { ModelName } from './models.js';

/** The seven agents of the demo workspace: each one's role in volume, models, tokens, errors and tools. */
export interface AgentProfile {
  id: string;
  /** Relative daily volume on a weekday. */
  share: number;
  /** Part of the traffic that ignores the time of day (customer-facing agents run at night too). */
  alwaysOn: number;
  /** Weekend volume relative to a weekday. */
  weekend: number;
  /** [model, weight before the migration ramp, weight after it]. */
  models: ReadonlyArray<readonly [ModelName, number, number]>;
  /** Log-normal token profiles: [median, sigma]. */
  input: readonly [number, number];
  output: readonly [number, number];
  anonymous: number;
  errorFactor: number;
  /** Multipliers on BASE_ERROR_WEIGHTS. */
  errorMix: Partial<Record<ErrorKind, number>>;
  tools: readonly string[];
  /** Share of traces that carry metadata. */
  metadata: number;
  promptVersion: string;
}

export const AGENTS: readonly AgentProfile[] = [
  {
    id: 'support-bot',
    share: 26,
    alwaysOn: 0.45,
    weekend: 0.6,
    models: [
      ['gpt-4o-mini', 6, 6],
      ['claude-3-5-haiku', 3, 3],
      ['gpt-4o', 1, 1],
    ],
    input: [1400, 0.45],
    output: [220, 0.6],
    anonymous: 0.25,
    errorFactor: 1,
    errorMix: { content_filter: 2, tool_error: 1.3 },
    tools: ['search_kb', 'lookup_order', 'create_ticket'],
    metadata: 0.6,
    promptVersion: 'v14',
  },
  {
    id: 'triage-router',
    share: 16,
    alwaysOn: 0.5,
    weekend: 0.65,
    models: [
      ['gemini-2.0-flash', 13, 13],
      ['llama-3.3-70b-instruct', 7, 7],
    ],
    input: [320, 0.35],
    output: [18, 0.5],
    anonymous: 0.25,
    errorFactor: 0.7,
    errorMix: { context_length_exceeded: 0.1, tool_error: 0 },
    tools: [],
    metadata: 0.3,
    promptVersion: 'v6',
  },
  {
    id: 'research-assistant',
    share: 10,
    alwaysOn: 0.1,
    weekend: 0.3,
    models: [
      ['claude-sonnet-4', 5, 5],
      ['gemini-2.5-pro', 3, 3],
      ['gpt-4.1', 2, 2],
    ],
    input: [14_000, 0.7],
    output: [1500, 0.55],
    anonymous: 0.02,
    errorFactor: 1.3,
    errorMix: { context_length_exceeded: 5, timeout: 2.5 },
    tools: ['web_search', 'fetch_url', 'read_pdf'],
    metadata: 0.5,
    promptVersion: 'v9',
  },
  {
    id: 'code-reviewer',
    share: 13,
    alwaysOn: 0.08,
    weekend: 0.18,
    models: [
      ['claude-3-5-sonnet', 7, 1],
      ['claude-sonnet-4', 1, 7],
      ['gpt-4.1', 3, 3],
    ],
    input: [7000, 0.6],
    output: [850, 0.6],
    anonymous: 0,
    errorFactor: 1,
    errorMix: { context_length_exceeded: 3 },
    tools: ['get_diff', 'run_linter', 'post_review_comment'],
    metadata: 0.4,
    promptVersion: 'v21',
  },
  {
    id: 'sales-copilot',
    share: 10,
    alwaysOn: 0.08,
    weekend: 0.15,
    models: [
      ['gpt-4o-2024-08-06', 6, 6],
      ['gpt-4o', 4, 4],
    ],
    input: [2600, 0.5],
    output: [480, 0.55],
    anonymous: 0.01,
    errorFactor: 0.9,
    errorMix: {},
    tools: ['crm_lookup', 'update_opportunity'],
    metadata: 0.4,
    promptVersion: 'v3',
  },
  {
    id: 'data-analyst',
    share: 9,
    alwaysOn: 0.1,
    weekend: 0.25,
    models: [
      ['gpt-4.1', 5, 5],
      ['gemini-2.5-pro', 3, 3],
      ['llama-3.3-70b-instruct', 2, 2],
    ],
    input: [4200, 0.55],
    output: [650, 0.6],
    anonymous: 0.02,
    errorFactor: 1.4,
    errorMix: { tool_error: 3.5 },
    tools: ['run_sql', 'describe_table', 'plot_chart'],
    metadata: 0.5,
    promptVersion: 'v11',
  },
  {
    id: 'email-drafter',
    share: 14,
    alwaysOn: 0.12,
    weekend: 0.3,
    models: [
      ['gpt-4o-mini', 5, 5],
      ['gemini-2.0-flash', 3, 3],
      ['claude-3-5-haiku', 2, 2],
    ],
    input: [850, 0.5],
    output: [380, 0.5],
    anonymous: 0.05,
    errorFactor: 0.9,
    errorMix: { content_filter: 2.5, tool_error: 0.3 },
    tools: ['fetch_thread'],
    metadata: 0.35,
    promptVersion: 'v8',
  },
];

export const DEMO_AGENTS: readonly string[] = AGENTS.map((a) => a.id);

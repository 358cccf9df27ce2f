/** The kinds of error the demo's calls fail with, and how often each occurs before an agent's own mix. */
export const ERROR_KINDS = [
  'rate_limit',
  'timeout',
  'context_length_exceeded',
  'invalid_request',
  'server_error',
  'content_filter',
  'tool_error',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export const BASE_ERROR_WEIGHTS: Record<ErrorKind, number> = {
  rate_limit: 30,
  timeout: 12,
  context_length_exceeded: 5,
  invalid_request: 9,
  server_error: 18,
  content_filter: 4,
  tool_error: 12,
};

/** Client-side limits a timed-out call ran into (repeats weight the common ones). */
export const TIMEOUT_SECONDS = [30, 30, 45, 60, 60] as const;

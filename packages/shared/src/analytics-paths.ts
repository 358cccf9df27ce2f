/** The twelve analytics REST paths of docs/API_SPEC.md §4, under /api/v1, in its order. */
export const ANALYTICS_PATHS = [
  '/usage/overview',
  '/usage/calls-over-time',
  '/usage/agent-distribution',
  '/usage/top-users',
  '/cost/overview',
  '/cost/trend',
  '/cost/by-model',
  '/cost/budget',
  '/performance/overview',
  '/performance/latency',
  '/performance/throughput',
  '/performance/errors',
] as const;

export type AnalyticsPath = (typeof ANALYTICS_PATHS)[number];

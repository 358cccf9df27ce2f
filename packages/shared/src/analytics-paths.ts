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

/** The quality REST paths of docs/API_SPEC.md §10: windowed like the analytics paths, over scores. */
export const QUALITY_PATHS = ['/quality/overview', '/quality/trend', '/quality/by-agent'] as const;

export type QualityPath = (typeof QUALITY_PATHS)[number];

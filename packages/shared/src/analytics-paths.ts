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

/** Analytics paths beyond the twelve that take the same §3 parameters (docs/API_SPEC.md §8). */
export const TAG_ANALYTICS_PATHS = ['/cost/by-tag'] as const;

export type AnalyticsPath = (typeof ANALYTICS_PATHS)[number] | (typeof TAG_ANALYTICS_PATHS)[number];

/** The quality REST paths of docs/API_SPEC.md §10: windowed like the analytics paths, over scores. */
export const QUALITY_PATHS = ['/quality/overview', '/quality/trend', '/quality/by-agent'] as const;

export type QualityPath = (typeof QUALITY_PATHS)[number];

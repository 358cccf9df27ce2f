export * from './admin.js';
export * from './errors.js';
export * from './ingest.js';
export * from './json-depth.js';
export * from './pricing.js';
export * from './latency-histogram.js';
export * from './analytics.js';
export * from './analytics-paths.js';

/** What other packages may import from the api: the router's type, for end-to-end types. */
export type { AppRouter } from './routers/app-router.js';
/** What the rollup verification (@pulse/verify) reuses: the server's config, fold and rollup SQL. */
export { loadConfig } from './config.js';
export { errorCodes } from './http/errors.js';
export { dimRows, weeklyDimRows } from './rollups/dims.js';
export { type Executor, foldIn, tryFoldLock } from './rollups/fold.js';
export { latencyBinSql } from './rollups/rollup-sql.js';
export { flagCountsOf, flaggedCount } from './rollups/safety-sql.js';
export { rolledTags, tagPairs } from './rollups/tags.js';
export { decidingRank } from './scores/decisions.js';
/** What the benchmark measures in process: the safety detectors' scan (docs/API_SPEC.md §12). */
export { findSpans } from './safety/scan.js';

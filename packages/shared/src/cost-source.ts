/**
 * Where a call's cost came from (docs/API_SPEC.md §2): the client's `cost_usd`, the
 * built-in catalog, the workspace's price override, or nothing (`unpriced`: cost 0, reported).
 */
export const COST_SOURCES = ['provided', 'catalog', 'override', 'unpriced'] as const;
export type CostSource = (typeof COST_SOURCES)[number];

/** How many seeded users share the named calls unless a caller asks for another number. */
export const DEFAULT_USERS = 150;
export const MAX_USERS = 1_000_000;

/** The regions users call from, with their shares in per cent. */
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'] as const;
export const REGION_WEIGHTS = [45, 35, 20] as const;

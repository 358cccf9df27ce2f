import { DEFAULT_USERS, REGION_WEIGHTS, REGIONS } from './data/users.js';
import { cumulative, hash32, hex8, zipfCumulative } from './prng.js';

export const REGION_CUM = cumulative(REGION_WEIGHTS);

/** What the seed value (DEMO_SEED) alone determines: the users, their regions and the provider account ids. */
export interface SeedContext {
  seedHash: number;
  users: string[];
  /** Cumulative Zipf weights of `users`. */
  userCum: number[];
  userRegions: string[];
  openaiOrg: string;
  googleProject: string;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function seedContext(seed: number, userCount = DEFAULT_USERS): SeedContext {
  const seedHash = hash32(Math.trunc(seed) >>> 0);
  const users: string[] = [];
  const userRegions: string[] = [];
  for (let i = 0; i < userCount; i++) {
    // hash32 is a bijection and the inputs differ, so the ids are distinct.
    const h = hash32((seedHash ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    users.push(`u_${hex8(h)}`);
    const r = (hash32(h ^ 0x2545f491) % 100) + 0.5;
    userRegions.push(REGIONS[REGION_CUM.findIndex((c) => r < c)]!);
  }
  let org = 'org-';
  for (let i = 0; i < 24; i++) org += ALNUM[hash32((seedHash + i * 0x632be5ab) >>> 0) % ALNUM.length];
  const googleProject = String(100_000_000_000 + (hash32(seedHash ^ 0x68e31da4) % 900_000_000) * 1000);
  return { seedHash, users, userCum: zipfCumulative(userCount, 0.95), userRegions, openaiOrg: org, googleProject };
}

// ---------------------------------------------------------------------------------------
// Error messages
// ---------------------------------------------------------------------------------------

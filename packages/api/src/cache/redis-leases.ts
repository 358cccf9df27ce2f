import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AnswerLeases, LeaseClaim } from './cache.js';

/** The lease of the answer stored at `key`: its own key, outside `pulse:q:`, where only answers live. */
const leaseKey = (key: string) => `pulse:lease:${key}`;

/**
 * The answer if one is stored, else the lease if it is free (SET NX PX, with the caller's token):
 * one round trip, and no answer stored between the caller's lookup and its lease is ever computed
 * again. Returns [1, answer], [2] (lease taken) or [0] (held by another).
 */
const CLAIM_SCRIPT = `
local answer = redis.call('GET', KEYS[1])
if answer then return { 1, answer } end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return { 2 } end
return { 0 }`;

/** Compare-and-delete: a lease that expired and was taken by another replica stays theirs. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/** The answer, then the lease released as RELEASE_SCRIPT does: the miss's store costs no extra round trip. */
const FULFIL_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 0`;

interface LeaseScripts {
  pulseClaim(answerKey: string, leaseKey: string, token: string, ms: string): Promise<[number, string?]>;
  pulseRelease(leaseKey: string, token: string): Promise<number>;
  pulseFulfil(answerKey: string, leaseKey: string, value: string, ttlSeconds: string, token: string): Promise<number>;
}

/**
 * Answer leases on the cache's Redis connection. Every failure (Redis down or slow) reads as "no
 * lease": the caller computes as it would without one, so a lease never turns into an error.
 */
export class RedisLeases implements AnswerLeases {
  private readonly scripts: LeaseScripts;

  constructor(
    redis: Redis,
    readonly leaseMs: number,
    private readonly healthy: () => boolean,
  ) {
    redis.defineCommand('pulseClaim', { numberOfKeys: 2, lua: CLAIM_SCRIPT });
    redis.defineCommand('pulseRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    redis.defineCommand('pulseFulfil', { numberOfKeys: 2, lua: FULFIL_SCRIPT });
    this.scripts = redis as unknown as LeaseScripts;
  }

  async claim(key: string): Promise<LeaseClaim | undefined> {
    if (!this.healthy()) return undefined;
    const token = randomBytes(12).toString('base64url');
    try {
      const [found, answer] = await this.scripts.pulseClaim(key, leaseKey(key), token, String(this.leaseMs));
      if (found === 1 && answer !== undefined) return { answer };
      return found === 2 ? { token } : 'held';
    } catch {
      return undefined;
    }
  }

  async fulfil(key: string, token: string, value: string, ttlSeconds: number): Promise<void> {
    if (!this.healthy()) return;
    try {
      await this.scripts.pulseFulfil(key, leaseKey(key), value, String(ttlSeconds), token);
    } catch {
      // The answer is lost (a later miss computes it) and the lease expires by itself.
    }
  }

  async release(key: string, token: string): Promise<void> {
    if (!this.healthy()) return;
    try {
      await this.scripts.pulseRelease(leaseKey(key), token);
    } catch {
      // It expires by itself within leaseMs.
    }
  }
}

import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './failure-throttle.js';

describe('FailureThrottle', () => {
  it('refuses a client after `limit` failures until its window ends, and counts clients apart', () => {
    let now = 1_000_000;
    const throttle = new FailureThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
      throttle.recordFailure('10.0.0.1');
    }
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(60);
    expect(throttle.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 59_001;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(1);
    now += 999;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
    throttle.recordFailure('10.0.0.1');
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
  });

  it('counts an IPv6 /56 network as one client, and an IPv4-mapped address as its IPv4 address', () => {
    const throttle = new FailureThrottle(2, 60_000);
    throttle.recordFailure('2001:db8:0:1::1');
    throttle.recordFailure('2001:db8:0:2::7');
    expect(throttle.retryAfterSeconds('2001:db8:0:3::9')).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds('2001:db8:1:0::1')).toBe(0);
    throttle.recordFailure('::ffff:10.1.1.1');
    throttle.recordFailure('10.1.1.1');
    expect(throttle.retryAfterSeconds('10.1.1.1')).toBeGreaterThan(0);
  });
});

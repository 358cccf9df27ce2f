import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('the judge requests token bucket', () => {
  it('lets a second of requests through at once, then paces the rest', async () => {
    // 120 a minute: bursts of 2, then one every 500 ms (wide margins: the machine may be busy).
    const bucket = new TokenBucket(120);
    const started = Date.now();
    await bucket.take();
    await bucket.take();
    expect(Date.now() - started).toBeLessThan(450);
    await bucket.take();
    await bucket.take();
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('serves takers in order, and 0 a minute means unlimited', async () => {
    const bucket = new TokenBucket(1200);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 25 }, (_, i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const unlimited = new TokenBucket(0);
    const started = Date.now();
    for (let i = 0; i < 1000; i++) await unlimited.take();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

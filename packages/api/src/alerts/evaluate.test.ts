import { describe, expect, it } from 'vitest';
import { nextTransition } from './evaluate.js';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);
const rule = (state: 'ok' | 'firing', lastFiredAt: Date | null = null) => ({ state, threshold: 5, lastFiredAt, cooldownMinutes: 60 });

describe('nextTransition (docs/API_SPEC.md §11)', () => {
  it('fires an ok rule at the threshold, not below it, and not without a value', () => {
    expect(nextTransition(rule('ok'), 5, NOW)).toBe('fired');
    expect(nextTransition(rule('ok'), 4.999, NOW)).toBe('none');
    expect(nextTransition(rule('ok'), null, NOW)).toBe('none');
  });
  it('holds a firing rule while crossed and resolves it once under (or without a value)', () => {
    expect(nextTransition(rule('firing', minutesAgo(1)), 9, NOW)).toBe('none');
    expect(nextTransition(rule('firing', minutesAgo(1)), 1, NOW)).toBe('resolved');
    expect(nextTransition(rule('firing', minutesAgo(1)), null, NOW)).toBe('resolved');
  });
  it('does not fire again within the cooldown, and does once it is over', () => {
    expect(nextTransition(rule('ok', minutesAgo(59)), 9, NOW)).toBe('none');
    expect(nextTransition(rule('ok', minutesAgo(60)), 9, NOW)).toBe('fired');
    expect(nextTransition({ ...rule('ok', minutesAgo(0)), cooldownMinutes: 0 }, 9, NOW)).toBe('fired');
  });
});

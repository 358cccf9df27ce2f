import { describe, expect, it } from 'vitest';
import { trendSeries } from '../src/pages/cost-trend.js';

const point = (timestamp: string, byModel: Record<string, number>, other: number) => ({
  timestamp,
  total_cost_usd: Object.values(byModel).reduce((a, b) => a + b, other),
  by_model: byModel,
  other_cost_usd: other,
});

describe('the cost chart series', () => {
  it('stacks the top models in their order, then "Other"', () => {
    const series = trendSeries({
      from: 'a',
      to: 'b',
      granularity: 'hour',
      models: ['gpt-4o', 'claude-3-5-haiku'],
      data: [point('t0', { 'gpt-4o': 0.4, 'claude-3-5-haiku': 0.1 }, 0.05), point('t1', { 'gpt-4o': 0, 'claude-3-5-haiku': 0.2 }, 0)],
    });
    expect(series).toEqual([
      { label: 'gpt-4o', data: [0.4, 0] },
      { label: 'claude-3-5-haiku', data: [0.1, 0.2] },
      { label: 'Other', data: [0.05, 0] },
    ]);
  });

  it('leaves "Other" out when no other model spent anything', () => {
    const series = trendSeries({ from: 'a', to: 'b', granularity: 'day', models: ['m'], data: [point('t0', { m: 1 }, 0)] });
    expect(series.map((s) => s.label)).toEqual(['m']);
  });
});

import type { ScoreInput } from '@pulse/shared';
import type { DemoTrace } from './demo-trace.js';
import { hash32, Prng } from './prng.js';

/**
 * Scores for demo calls (docs/API_SPEC.md §10), pure and deterministic: a call's scores depend
 * only on the seed and the call, so a batch is scored the same whoever generates it.
 *
 * - `helpfulness` (numeric 0–1, from an `llm` judge) on about a third of the calls: each agent
 *   has its own level, failed calls score low;
 * - `resolved` (boolean, from a `human` reviewer) on a few calls of the customer-facing agents,
 *   and on nearly every call of the sales copilot, whose Impact counts its resolved calls;
 * - `sentiment` (categorical, from a `rule`) on a fifth of the named users' calls, more often
 *   negative after an error.
 */

/** Each agent's typical helpfulness; agents not listed get the default. */
const HELPFULNESS: Record<string, number> = {
  'support-bot': 0.78,
  'triage-router': 0.86,
  'research-assistant': 0.72,
  'code-reviewer': 0.81,
  'sales-copilot': 0.69,
  'data-analyst': 0.75,
  'email-drafter': 0.83,
};
const DEFAULT_HELPFULNESS = 0.75;
const CUSTOMER_FACING = new Set(['support-bot', 'sales-copilot', 'email-drafter']);
/** The agent whose successes are its `resolved` reviews (agent-values.ts): nearly every call is reviewed. */
const REVIEWED_AGENT = 'sales-copilot';
const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

/** FNV-1a over the id's UTF-16 units, mixed: a call's own random stream. */
function streamOf(seed: number, traceId: string): Prng {
  let h = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) h = Math.imul(h ^ traceId.charCodeAt(i), 0x01000193);
  return new Prng(hash32(h ^ hash32(seed)));
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function demoScores(traces: readonly DemoTrace[], seed: number): ScoreInput[] {
  const out: ScoreInput[] = [];
  for (const t of traces) {
    const rng = streamOf(seed, t.trace_id);
    const failed = t.status === 'error';
    if (rng.chance(0.35)) {
      const level = failed ? 0.2 : (HELPFULNESS[t.agent_id] ?? DEFAULT_HELPFULNESS);
      out.push({
        trace_id: t.trace_id,
        name: 'helpfulness',
        value: Math.round(clamp01(level + 0.15 * rng.normal()) * 100) / 100,
        source: 'llm',
      });
    }
    if (CUSTOMER_FACING.has(t.agent_id) && rng.chance(t.agent_id === REVIEWED_AGENT ? 0.9 : 0.12)) {
      out.push({ trace_id: t.trace_id, name: 'resolved', value: rng.chance(failed ? 0.1 : 0.8), source: 'human' });
    }
    if (t.user_id !== null && rng.chance(0.2)) {
      const weights = failed ? [0.1, 0.3, 0.6] : [0.55, 0.33, 0.12];
      const u = rng.next();
      const sentiment = u < weights[0]! ? SENTIMENTS[0] : u < weights[0]! + weights[1]! ? SENTIMENTS[1] : SENTIMENTS[2];
      out.push({ trace_id: t.trace_id, name: 'sentiment', value: sentiment, source: 'rule' });
    }
  }
  return out;
}

import { AGENTS } from './data/agents.js';
import { BASE_ERROR_WEIGHTS, ERROR_KINDS } from './data/error-kinds.js';
import { cumulative } from './prng.js';

/** Per agent: running sums of its error-kind weights (no tool errors for an agent without tools). */
export const AGENT_ERROR_CUM = AGENTS.map((a) =>
  cumulative(
    ERROR_KINDS.map((k) =>
      k === 'tool_error' && a.tools.length === 0 ? 0 : BASE_ERROR_WEIGHTS[k] * (a.errorMix[k] ?? 1),
    ),
  ),
);

/** Typical output tokens per model (volume-weighted over the agents using it): latency scales around it. */
export const REF_OUTPUT: Record<string, number> = (() => {
  const sum: Record<string, [number, number]> = {};
  for (const a of AGENTS) {
    const total = a.models.reduce((s, [, , w]) => s + w, 0);
    for (const [m, , w] of a.models) {
      const weight = (a.share * w) / total;
      const acc = (sum[m] ??= [0, 0]);
      acc[0] += weight * a.output[0];
      acc[1] += weight;
    }
  }
  return Object.fromEntries(Object.entries(sum).map(([m, [s, w]]) => [m, s / w]));
})();

// ---------------------------------------------------------------------------------------
// Time: rhythm, growth, migration, incidents
// ---------------------------------------------------------------------------------------

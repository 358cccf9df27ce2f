import { hash32 } from '../prng.js';

/** The tags of the demo workspace: where a call ran, then what it was for (by agent). */
const ENVIRONMENTS = ['prod', 'staging', 'eval'] as const;
/** Cumulative per mille of each environment: most traffic is production. */
const ENVIRONMENT_CUM = [880, 960, 1000];

/** 17 features, 20 tags in all (with the environments): the tag count the benchmarks assume. */
const FEATURES: Readonly<Record<string, readonly string[]>> = {
  'support-bot': ['checkout', 'refund', 'onboarding', 'billing'],
  'triage-router': ['routing', 'spam'],
  'research-assistant': ['search', 'summarize', 'citations'],
  'code-reviewer': ['code-review', 'security'],
  'sales-copilot': ['crm', 'onboarding', 'forecast'],
  'data-analyst': ['reporting', 'sql'],
  'email-drafter': ['summarize', 'outreach', 'follow-up'],
};

/** FNV-1a over the id's UTF-16 units, mixed by hash32. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return hash32(h >>> 0);
}

/**
 * One to three tags of a demo trace: its environment, then none, one or two of its agent's
 * features. Derived from the trace id rather than the generator's stream, so adding tags left
 * every other field of the demo as it was.
 */
export function demoTags(agentId: string, traceId: string): string[] {
  const h = hashOf(traceId);
  const env = ENVIRONMENTS[ENVIRONMENT_CUM.findIndex((c) => h % 1000 < c)]!;
  const features = FEATURES[agentId] ?? [];
  const wanted = Math.min(features.length, (h >>> 10) % 3);
  const first = (h >>> 12) % Math.max(1, features.length);
  return [env, ...Array.from({ length: wanted }, (_, i) => features[(first + i) % features.length]!)];
}

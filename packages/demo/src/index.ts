export { DEMO_AGENTS } from './data/agents.js';
export { DEMO_MODELS } from './data/models.js';
export type { DemoTrace } from './demo-trace.js';
export { type DemoOptions, generateDemoBatches } from './generate.js';
export { demoIncidents } from './incidents.js';
export { hash32, Prng } from './prng.js';
export { createTrickle } from './trickle.js';
export { demoScores } from './scores.js';
export { DEMO_AGENT_VALUES } from './agent-values.js';

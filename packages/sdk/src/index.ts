export { Pulse, type PulseStats } from './client.js';
export type { PulseOptions } from './options.js';
export type { TraceFields } from './trace-fields.js';
export type { WireTrace } from './wire.js';
export { observe, type ObserveMeta } from './observe.js';
export { withPulse } from './with-pulse.js';
export { wrapOpenAI } from './wrappers/openai.js';
export { wrapAnthropic } from './wrappers/anthropic.js';
export type { CallAttribution, CallOverrides, Usage, WrapOptions } from './wrappers/types.js';

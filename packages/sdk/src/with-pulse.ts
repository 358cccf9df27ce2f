import type { CallOverrides } from './wrappers/types.js';

/**
 * A provider request with per-call Pulse overrides under its `pulse` key, typed as the request
 * itself (the wrapped method strips the key before the provider sees it):
 * `client.chat.completions.create(withPulse({ model, messages }, { userId: 'u-1' }))`.
 */
export const withPulse = <P extends object>(params: P, overrides: CallOverrides): P => ({
  ...params,
  pulse: overrides,
});

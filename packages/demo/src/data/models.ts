/** The models the demo calls, with the latency, error and limit profile of each. */
export type Provider = 'openai' | 'anthropic' | 'google' | 'meta';

interface ModelProfile {
  provider: Provider;
  /** Median latency (ms) of a successful call with a typical output for this model. */
  medianMs: number;
  /** Log-space spread of the latency. */
  sigma: number;
  /** Base error probability of a call. */
  errorRate: number;
  contextTokens: number;
  /** Tokens (or requests, for meta) per minute quoted in rate-limit messages. */
  rateLimit: number;
}

const MODELS = {
  'gpt-4o-mini': {
    provider: 'openai',
    medianMs: 520,
    sigma: 0.5,
    errorRate: 0.025,
    contextTokens: 128_000,
    rateLimit: 200_000,
  },
  'gpt-4o': {
    provider: 'openai',
    medianMs: 1500,
    sigma: 0.55,
    errorRate: 0.03,
    contextTokens: 128_000,
    rateLimit: 30_000,
  },
  'gpt-4o-2024-08-06': {
    provider: 'openai',
    medianMs: 1650,
    sigma: 0.55,
    errorRate: 0.03,
    contextTokens: 128_000,
    rateLimit: 30_000,
  },
  'gpt-4.1': {
    provider: 'openai',
    medianMs: 1900,
    sigma: 0.55,
    errorRate: 0.03,
    contextTokens: 1_047_576,
    rateLimit: 30_000,
  },
  'claude-3-5-haiku': {
    provider: 'anthropic',
    medianMs: 700,
    sigma: 0.5,
    errorRate: 0.025,
    contextTokens: 200_000,
    rateLimit: 50_000,
  },
  'claude-3-5-sonnet': {
    provider: 'anthropic',
    medianMs: 2400,
    sigma: 0.55,
    errorRate: 0.035,
    contextTokens: 200_000,
    rateLimit: 40_000,
  },
  'claude-sonnet-4': {
    provider: 'anthropic',
    medianMs: 2900,
    sigma: 0.6,
    errorRate: 0.035,
    contextTokens: 200_000,
    rateLimit: 30_000,
  },
  'gemini-2.0-flash': {
    provider: 'google',
    medianMs: 380,
    sigma: 0.45,
    errorRate: 0.03,
    contextTokens: 1_048_576,
    rateLimit: 4_000_000,
  },
  'gemini-2.5-pro': {
    provider: 'google',
    medianMs: 3800,
    sigma: 0.65,
    errorRate: 0.045,
    contextTokens: 1_048_576,
    rateLimit: 2_000_000,
  },
  'llama-3.3-70b-instruct': {
    provider: 'meta',
    medianMs: 750,
    sigma: 0.55,
    errorRate: 0.05,
    contextTokens: 128_000,
    rateLimit: 600,
  },
} satisfies Record<string, ModelProfile>;

export type ModelName = keyof typeof MODELS;
export const modelProfile = (m: ModelName): ModelProfile => MODELS[m];

/** Every model name the generator can emit (catalog names plus one dated gpt-4o variant). */
export const DEMO_MODELS: readonly string[] = Object.keys(MODELS);

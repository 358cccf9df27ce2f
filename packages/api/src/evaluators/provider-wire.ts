import type { JudgeProvider } from '@pulse/shared';

/** A judge's answer: its text and the tokens the provider counted. */
export interface JudgeAnswer {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/** How one provider's HTTP API is spoken (docs/API_SPEC.md §13). */
interface Wire {
  url(baseUrl: string, model: string): string;
  headers(apiKey: string): Record<string, string>;
  body(model: string, prompt: string): unknown;
  /** The answer, or undefined when the body does not have the provider's shape. */
  read(body: unknown): JudgeAnswer | undefined;
  /** The delay a 429 or 5xx body asks for (ms), beyond the Retry-After header. */
  retryDelayMs(body: unknown): number | undefined;
}

// Provider answers are walked as loose JSON: only the few fields read are checked.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const count = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0);
const trimSlash = (base: string) => base.replace(/\/+$/, '');

/** Gemini: POST {base}/v1beta/models/{model}:generateContent, key in x-goog-api-key, JSON mode. */
const gemini: Wire = {
  // "models/gemini-2.0-flash" (the API's resource name) and "gemini-2.0-flash" both work.
  url: (base, model) => `${trimSlash(base)}/v1beta/models/${encodeURIComponent(model.replace(/^models\//, ''))}:generateContent`,
  headers: (apiKey) => ({ 'x-goog-api-key': apiKey }),
  body: (_model, prompt) => ({ contents: [{ role: 'user', parts: [{ text: prompt }] }], generationConfig: { responseMimeType: 'application/json' } }),
  read(body: Loose) {
    const text = body?.candidates?.[0]?.content?.parts?.[0]?.text;
    if (typeof text !== 'string') return undefined;
    return { text, inputTokens: count(body.usageMetadata?.promptTokenCount), outputTokens: count(body.usageMetadata?.candidatesTokenCount) };
  },
  // google.rpc.RetryInfo in the error's details: { "retryDelay": "12.5s" }.
  retryDelayMs(body: Loose) {
    const details: unknown = body?.error?.details;
    if (!Array.isArray(details)) return undefined;
    for (const detail of details as Loose[]) {
      const match = typeof detail?.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
      if (match) return Math.ceil(Number(match[1]) * 1000);
    }
    return undefined;
  },
};

/** OpenAI and compatible endpoints: POST {base}/chat/completions, Bearer key, JSON mode. */
const openai: Wire = {
  url: (base) => `${trimSlash(base)}/chat/completions`,
  headers: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
  body: (model, prompt) => ({ model, messages: [{ role: 'user', content: prompt }], response_format: { type: 'json_object' } }),
  read(body: Loose) {
    const text = body?.choices?.[0]?.message?.content;
    if (typeof text !== 'string') return undefined;
    return { text, inputTokens: count(body.usage?.prompt_tokens), outputTokens: count(body.usage?.completion_tokens) };
  },
  retryDelayMs: () => undefined,
};

export const WIRES: Record<JudgeProvider, Wire> = { gemini, openai };

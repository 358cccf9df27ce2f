import type { AgentProfile } from './data/agents.js';
import type { ErrorKind } from './data/error-kinds.js';
import { type ModelName, modelProfile } from './data/models.js';
import { AZURE_FILTER_CATEGORIES, GENERIC_TOOL_FAILURES, GOOGLE_HARM_CATEGORIES, MISSING_SQL_COLUMNS, SERVER_ERRORS } from './data/provider-messages.js';
import { hex8, type Prng } from './prng.js';
import type { SeedContext } from './seed-context.js';

/** Provider-faithful error messages: each provider's wording, filled in with the call's numbers. */

const withCommas = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const baseModel = (m: string) => m.replace(/-\d{4}-\d{2}-\d{2}$/, '');
const requestId = (rng: Prng) => `req_${hex8(rng.int(0x1_0000_0000))}${hex8(rng.int(0x1_0000_0000))}`.slice(0, 28);

/** `timeoutSeconds` is the limit that also went into the trace's latency. */
export function errorMessage(
  kind: ErrorKind,
  model: ModelName,
  agent: AgentProfile,
  ctx: SeedContext,
  rng: Prng,
  promptTokens: number,
  timeoutSeconds: number,
): string {
  const p = modelProfile(model);
  switch (kind) {
    case 'rate_limit': {
      if (p.provider === 'openai') {
        if (rng.chance(0.15)) {
          return `429 Too Many Requests: Rate limit reached for ${baseModel(model)} in organization ${ctx.openaiOrg} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${60 + rng.int(900)}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`;
        }
        const limit = p.rateLimit;
        const requested = Math.max(200, promptTokens + 256);
        const used = limit - Math.floor(Math.min(limit, requested) * rng.uniform(0.05, 0.95));
        const wait = (((used + requested - limit) / limit) * 60).toFixed(3);
        return `429 Too Many Requests: Rate limit reached for ${baseModel(model)} in organization ${ctx.openaiOrg} on tokens per min (TPM): Limit ${limit}, Used ${used}, Requested ${requested}. Please try again in ${wait}s. Visit https://platform.openai.com/account/rate-limits to learn more.`;
      }
      if (p.provider === 'anthropic') {
        return `429 rate_limit_error: This request would exceed your organization's rate limit of ${withCommas(p.rateLimit)} input tokens per minute for ${model}. Please reduce the prompt length or the maximum tokens requested, or try again later. (request_id: ${requestId(rng)})`;
      }
      if (p.provider === 'google') {
        return `429 RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Generate Content API requests per minute' and limit 'GenerateContent request limit per minute for a region' of service 'generativelanguage.googleapis.com' for consumer 'project_number:${ctx.googleProject}' (model: ${model}).`;
      }
      return `429 Too Many Requests: rate limit of ${p.rateLimit} requests per minute exceeded for meta-llama/Llama-3.3-70B-Instruct-Turbo. Please retry after ${1 + rng.int(9)}s.`;
    }
    case 'timeout':
      return timeoutMessage(model, timeoutSeconds);
    case 'context_length_exceeded': {
      const limit = p.contextTokens;
      const got = limit + 1 + Math.floor(rng.lognormal(limit * 0.04, 0.8));
      if (p.provider === 'anthropic')
        return `400 invalid_request_error: prompt is too long: ${got} tokens > ${limit} maximum`;
      if (p.provider === 'google')
        return `400 INVALID_ARGUMENT: The input token count (${got}) exceeds the maximum number of tokens allowed (${limit}).`;
      return `400 This model's maximum context length is ${limit} tokens. However, your messages resulted in ${got} tokens. Please reduce the length of the messages.`;
    }
    case 'invalid_request': {
      const tool = agent.tools.length ? rng.pick(agent.tools) : 'route_ticket';
      const i = 1 + rng.int(12);
      if (p.provider === 'anthropic') {
        return rng.pick([
          '400 invalid_request_error: messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
          `400 invalid_request_error: messages.${i}.content.0.tool_result: tool_use_id not found in previous message`,
          `400 invalid_request_error: max_tokens: ${8192 * 4} > 8192, which is the maximum allowed number of output tokens for ${model}`,
        ]);
      }
      if (p.provider === 'google') {
        return rng.pick([
          '400 INVALID_ARGUMENT: Request contains an invalid argument.',
          `400 INVALID_ARGUMENT: * GenerateContentRequest.tools[0].function_declarations[${i % 4}].parameters.properties[filters].items: missing field.`,
        ]);
      }
      if (p.provider === 'meta') return `400 Bad Request: invalid tool_choice: function '${tool}' not found in tools`;
      return rng.pick([
        `400 Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`,
        `400 Invalid schema for function '${tool}': In context=('properties', 'filters'), 'additionalProperties' is required to be supplied and to be false.`,
        `400 Invalid 'messages[${i}].content': string too long. Expected a string with maximum length 10485760, but got a string with length ${10_485_761 + rng.int(400_000)} instead.`,
      ]);
    }
    case 'server_error': {
      const suffix = rng.chance(0.5) ? ` (request_id: ${requestId(rng)})` : '';
      return rng.pick(SERVER_ERRORS[p.provider]) + suffix;
    }
    case 'content_filter': {
      if (p.provider === 'anthropic') return 'Output blocked by content filtering policy';
      if (p.provider === 'google') {
        return `Response blocked: finish_reason SAFETY (category HARM_CATEGORY_${rng.pick(GOOGLE_HARM_CATEGORIES)}, probability MEDIUM)`;
      }
      if (p.provider === 'meta') return `Llama Guard flagged the response as unsafe (category S${1 + rng.int(13)})`;
      return `The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. (category: ${rng.pick(AZURE_FILTER_CATEGORIES)}, severity: medium)`;
    }
    case 'tool_error': {
      const tool = agent.tools.length ? rng.pick(agent.tools) : 'route_ticket';
      let reason = rng.pick(GENERIC_TOOL_FAILURES);
      if (tool === 'run_sql' && rng.chance(0.6)) {
        reason = rng.pick([
          `ERROR: column "${rng.pick(MISSING_SQL_COLUMNS)}" does not exist (SQLSTATE 42703)`,
          'ERROR: canceling statement due to statement timeout (SQLSTATE 57014)',
          'ERROR: permission denied for table billing_events (SQLSTATE 42501)',
        ]);
      } else if (rng.chance(0.2)) {
        reason = `invalid JSON in arguments: Unexpected token '}' in JSON at position ${20 + rng.int(300)}`;
      }
      return `Tool '${tool}' failed: ${reason}`;
    }
  }
}

function timeoutMessage(model: ModelName, seconds: number): string {
  switch (modelProfile(model).provider) {
    case 'openai':
      return `APITimeoutError: Request timed out after ${seconds}s (POST https://api.openai.com/v1/chat/completions)`;
    case 'anthropic':
      return `APITimeoutError: Request timed out after ${seconds}s (POST https://api.anthropic.com/v1/messages)`;
    case 'google':
      return `504 DEADLINE_EXCEEDED: Deadline expired before operation could complete (timeout ${seconds}s).`;
    case 'meta':
      return `ReadTimeout: upstream did not respond within ${seconds}s (POST https://api.together.xyz/v1/chat/completions)`;
  }
}

// ---------------------------------------------------------------------------------------
// One trace
// ---------------------------------------------------------------------------------------

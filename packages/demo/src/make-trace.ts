import { AGENT_ERROR_CUM, REF_OUTPUT } from './agent-mix.js';
import { AGENTS } from './data/agents.js';
import { CONVERSATION_PCT, CONVERSATIONS } from './data/flagged-conversations.js';
import { ERROR_KINDS, type ErrorKind, TIMEOUT_SECONDS } from './data/error-kinds.js';
import { modelProfile } from './data/models.js';
import { demoTags } from './data/tags.js';
import { REGIONS } from './data/users.js';
import { conversationText } from './conversation.js';
import type { DemoTrace } from './demo-trace.js';
import { errorMessage } from './error-message.js';
import type { HourPlan } from './hour-plan.js';
import type { DemoIncidents } from './incidents.js';
import { hash32, hex8, type Prng } from './prng.js';
import { REGION_CUM, type SeedContext } from './seed-context.js';

/** The wire format caps latency at one hour. */
const MAX_LATENCY_MS = 3_600_000;

/** One trace at `t`: agent and model of the hour's mix, tokens, latency, maybe an error, maybe metadata. */
export function makeTrace(
  ctx: SeedContext,
  rng: Prng,
  traceId: string,
  t: number,
  plan: HourPlan,
  incidents: DemoIncidents,
): DemoTrace {
  const ai = rng.weightedIndex(plan.agentCum);
  const agent = AGENTS[ai]!;
  const model = agent.models[rng.weightedIndex(plan.modelCum[ai]!)]![0];
  const mp = modelProfile(model);

  const userIdx = rng.chance(agent.anonymous) ? -1 : rng.zipf(ctx.userCum);
  let inputTokens = Math.max(20, Math.round(rng.lognormal(agent.input[0], agent.input[1])));
  let outputTokens = Math.max(1, Math.round(rng.lognormal(agent.output[0], agent.output[1])));

  // Heavy-tailed latency around the model's median, longer for longer outputs, with rare provider stalls.
  let latency =
    rng.lognormal(mp.medianMs, mp.sigma) * (0.55 + (0.45 * outputTokens) / (REF_OUTPUT[model] ?? agent.output[0]));
  if (rng.chance(0.015)) latency *= rng.lognormal(3.5, 0.5);
  const slow = plan.slow && model === incidents.slowHour.model;
  if (slow) latency *= incidents.slowHour.factor;

  const spike = plan.spike && model === incidents.errorSpike.model;
  let errorRate = mp.errorRate * agent.errorFactor;
  if (spike) errorRate = 0.3;
  else if (slow) errorRate += 0.04;

  const isError = rng.chance(errorRate);
  let errorType: ErrorKind | undefined;
  let errorMessageText: string | undefined;
  let timeoutSeconds = 0;
  if (isError) {
    if (spike && rng.chance(0.93)) errorType = 'rate_limit';
    else if (slow && rng.chance(0.6)) errorType = 'timeout';
    else errorType = ERROR_KINDS[rng.weightedIndex(AGENT_ERROR_CUM[ai]!)]!;

    switch (errorType) {
      case 'timeout': {
        timeoutSeconds = rng.pick(TIMEOUT_SECONDS);
        latency = timeoutSeconds * 1000 + rng.uniform(3, 900);
        outputTokens = 0;
        break;
      }
      case 'rate_limit':
        latency = rng.lognormal(140, 0.5);
        break;
      case 'context_length_exceeded':
        latency = rng.lognormal(220, 0.4);
        break;
      case 'invalid_request':
        latency = rng.lognormal(110, 0.5);
        break;
      case 'server_error':
        latency = rng.lognormal(700, 1);
        break;
      case 'content_filter':
        latency *= 0.5;
        outputTokens = 0;
        break;
      case 'tool_error':
        // The model call went through (and is billed); the tool behind it failed.
        latency += rng.lognormal(1200, 0.9);
        break;
    }
    errorMessageText = errorMessage(errorType, model, agent, ctx, rng, inputTokens, timeoutSeconds);
    // Refused requests are not billed: no usage comes back.
    if (
      errorType === 'rate_limit' ||
      errorType === 'context_length_exceeded' ||
      errorType === 'invalid_request' ||
      errorType === 'server_error'
    ) {
      inputTokens = 0;
      outputTokens = 0;
    }
  }

  const trace: DemoTrace = {
    trace_id: traceId,
    timestamp: new Date(t).toISOString(),
    agent_id: agent.id,
    user_id: userIdx < 0 ? null : ctx.users[userIdx]!,
    model,
    status: isError ? 'error' : 'success',
    latency_ms: Math.min(MAX_LATENCY_MS, Math.max(1, Math.round(latency * 10) / 10)),
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    tags: demoTags(agent.id, traceId),
  };
  if (errorType !== undefined && errorMessageText !== undefined) {
    trace.error_type = errorType;
    trace.error_message = errorMessageText;
  }
  if (rng.chance(agent.metadata)) {
    // Named users' calls within the same 40 minutes share a session; anonymous ones get their own.
    const session =
      userIdx < 0
        ? rng.int(0x1_0000_0000)
        : hash32((ctx.seedHash ^ hash32((Math.imul(userIdx + 1, 0x2c1b3c6d) + Math.floor(t / 2_400_000)) >>> 0)) >>> 0);
    const sessionId = `sess_${hex8(session)}`;
    const metadata: Record<string, string | number> = {
      session_id: sessionId,
      region: userIdx < 0 ? REGIONS[rng.weightedIndex(REGION_CUM)]! : ctx.userRegions[userIdx]!,
      prompt_version: agent.promptVersion,
    };
    if (agent.tools.length)
      metadata.tool_calls = errorType === 'tool_error' ? 1 + rng.int(4) : Math.floor(rng.lognormal(1.2, 0.8));
    trace.metadata = metadata;
    // The same id as the wire's session: a named user's calls within 40 minutes are one conversation.
    trace.session_id = sessionId;
  }
  const text = conversationText(agent.id, traceId, outputTokens > 0);
  if (text) Object.assign(trace, text);
  // A few calls quote what the safety detectors flag (cards, IBANs, keys, injections), chosen by
  // a hash of the time, not the generator: the rest of the trace stays as it was.
  const flagged = hash32((t ^ ctx.seedHash) >>> 0);
  if (flagged % 100 < CONVERSATION_PCT) {
    const conversation = CONVERSATIONS[(flagged >>> 8) % CONVERSATIONS.length]!;
    trace.input = conversation.input;
    if (isError) delete trace.output;
    else trace.output = conversation.output;
  }
  return trace;
}

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

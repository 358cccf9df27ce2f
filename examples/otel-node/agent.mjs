// An agent run as an OpenTelemetry-instrumented application records it: an agent span, a
// tool span and two chat calls with the GenAI semantic conventions. Nothing here knows Pulse:
// the standard OTEL_EXPORTER_OTLP_* variables point the exporter at it.
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT || !process.env.OTEL_EXPORTER_OTLP_HEADERS) {
  console.error('Set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:3000/api/v1/otlp) and');
  console.error('OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <your Pulse key>" first.');
  process.exit(1);
}

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'otel-example' }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
// Registers the global tracer and the async context manager, so spans started inside
// context.with() become children of the agent span (and inherit its agent name in Pulse).
provider.register();
const tracer = trace.getTracer('pulse-example');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One model call, as an instrumentation library records it. */
async function chat(model, inputTokens, outputTokens, { fail = false } = {}) {
  const span = tracer.startSpan(`chat ${model}`, {
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.conversation.id': 'example-session-1',
      'user.id': 'example-user',
    },
  });
  await sleep(50 + Math.random() * 100);
  if (fail) {
    span.setAttribute('error.type', 'rate_limit');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'Rate limit reached, retry in 2 s' });
  } else {
    span.setAttributes({
      'gen_ai.response.model': model,
      'gen_ai.usage.input_tokens': inputTokens,
      'gen_ai.usage.output_tokens': outputTokens,
    });
  }
  span.end();
}

const agent = tracer.startSpan('invoke_agent trip-planner', {
  attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'trip-planner' },
});
await context.with(trace.setSpan(context.active(), agent), async () => {
  await chat('gpt-4o-mini', 850, 120);
  const tool = tracer.startSpan('execute_tool search_flights', {
    attributes: { 'gen_ai.operation.name': 'execute_tool' },
  });
  await sleep(30);
  tool.end();
  await chat('gpt-4o', 2300, 410);
  await chat('gpt-4o', 2400, 0, { fail: true });
});
agent.end();

await provider.shutdown(); // flushes the batch to Pulse
console.log('Sent one agent run (3 model calls, agent "trip-planner") to', process.env.OTEL_EXPORTER_OTLP_ENDPOINT);

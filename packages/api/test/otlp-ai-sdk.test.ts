import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { generateText, simulateReadableStream, streamText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

// The Vercel AI SDK's own telemetry (experimental_telemetry), exported by OpenTelemetry's
// protobuf exporter to Pulse's OTLP endpoint (docs/API_SPEC.md §7): each model call is one trace.

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

const usage = {
  inputTokens: { total: 120, noCache: 100, cacheRead: 20, cacheWrite: 0 },
  outputTokens: { total: 30, text: 30, reasoning: 0 },
};

/** A model answering without a network, from `ai/test`, as the AI SDK documents for tests. */
function mockModel() {
  return new MockLanguageModelV3({
    provider: 'mock-provider',
    modelId: 'gpt-4o-mini',
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'Your order ships tomorrow.' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage,
      warnings: [],
    }),
    doStream: async () => ({
      stream: simulateReadableStream({
        initialDelayInMs: 40,
        chunkDelayInMs: 5,
        chunks: [
          { type: 'stream-start', warnings: [] },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Your order ' },
          { type: 'text-delta', id: 't', delta: 'ships tomorrow.' },
          { type: 'text-end', id: 't' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
        ],
      }),
    }),
  });
}

describe('Vercel AI SDK telemetry through OTLP', () => {
  it('stores one trace per generateText and per streamText call, with model, tokens and time to first token', async () => {
    const w = await srv.createWorkspace('ai-sdk');
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'storefront-assistant' }),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({ url: `${srv.url}/api/v1/otlp/v1/traces`, headers: { Authorization: `Bearer ${w.api_key}` } }),
        ),
      ],
    });
    const tracer = provider.getTracer('ai');
    const telemetry = { isEnabled: true, tracer, functionId: 'order-status' };

    const generated = await generateText({ model: mockModel(), prompt: 'Where is my order?', experimental_telemetry: telemetry });
    expect(generated.text).toBe('Your order ships tomorrow.');
    const streamed = streamText({ model: mockModel(), prompt: 'Where is my order?', experimental_telemetry: telemetry });
    expect(await streamed.text).toBe('Your order ships tomorrow.');
    await provider.forceFlush();
    await provider.shutdown();

    const rows = await srv.database.rows<Record<string, unknown>>(
      sql`select agent_id, model, is_error, input_tokens, output_tokens, cache_read_tokens, ttft_ms, metadata->>'span_name' as span
          from traces where workspace_id = ${w.workspace_id}::uuid order by metadata->>'span_name'`,
    );
    // The wrapping ai.generateText / ai.streamText spans carry no gen_ai model: not second calls.
    expect(rows.map((r) => r.span)).toEqual(['ai.generateText.doGenerate', 'ai.streamText.doStream']);
    for (const r of rows) {
      expect(r).toMatchObject({ agent_id: 'storefront-assistant', model: 'gpt-4o-mini', is_error: 0, input_tokens: 120, output_tokens: 30 });
    }
    expect(rows[0]!.ttft_ms).toBeNull();
    expect(rows[1]!.ttft_ms).toBeGreaterThanOrEqual(35);
  });
});

/**
 * OTLP/HTTP protobuf ingest (docs/API_SPEC.md §7): requests of 1,000 LLM-call spans, encoded
 * as an `ExportTraceServiceRequest` with protobufjs and the vendored protos, posted to
 * /api/v1/otlp/v1/traces by a few concurrent clients. The requests are encoded before the clock
 * starts (the figure is the server's, not the encoder's); the clock stops when the rollup
 * backlog is empty, as for the JSON ingest.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import protobuf from 'protobufjs';
import type { Workspace } from './client.js';
import { waitUntilFolded } from './ingest.js';
import { fmt, log } from './progress.js';

export const SPANS_PER_REQUEST = 1000;

export interface OtlpIngestResult {
  spans: number;
  requests: number;
  concurrency: number;
  /** Request bytes on the wire (protobuf, uncompressed), per request on average. */
  bytesPerRequest: number;
  acknowledgedSeconds: number;
  acknowledgedPerSecond: number;
  foldedSeconds: number;
  foldedPerSecond: number;
}

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join('packages/api/proto', target);
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
const requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const responseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-haiku', 'claude-sonnet-4'];
const AGENTS = ['planner', 'researcher', 'support', 'coder'];
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
const int = (key: string, v: number) => ({ key, value: { intValue: v } });

/**
 * One request: `SPANS_PER_REQUEST` chat spans as an instrumented service sends them, in the
 * last hour before `now`, 10 calls per trace id, with fresh ids (never duplicates).
 */
function encodeRequest(now: number, seq: number): Buffer {
  const spans = [];
  let traceId = randomBytes(16);
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    if (i % 10 === 0) traceId = randomBytes(16);
    const k = seq * SPANS_PER_REQUEST + i;
    const start = BigInt(now - 3_600_000 + (k % 3_500_000)) * 1_000_000n;
    const latencyMs = 200 + (k % 1800);
    spans.push({
      traceId,
      spanId: randomBytes(8),
      name: 'chat',
      kind: 3,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + BigInt(latencyMs) * 1_000_000n).toString(),
      attributes: [
        str('gen_ai.operation.name', 'chat'),
        str('gen_ai.provider.name', 'openai'),
        str('gen_ai.request.model', MODELS[k % MODELS.length]!),
        str('gen_ai.agent.name', AGENTS[k % AGENTS.length]!),
        str('gen_ai.conversation.id', `conv-${k % 5000}`),
        str('user.id', `user-${k % 700}`),
        int('gen_ai.usage.input_tokens', 200 + (k % 3000)),
        int('gen_ai.usage.output_tokens', 20 + (k % 700)),
      ],
      status: { code: k % 50 === 0 ? 2 : 1 },
    });
  }
  const request = {
    resourceSpans: [{ resource: { attributes: [str('service.name', 'bench-service')] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }],
  };
  return Buffer.from(requestType.encode(requestType.fromObject(request)).finish());
}

/** `spans` spans (rounded up to whole requests), encoded ahead of the timed run. */
export function encodeRequests(spans: number, now = Date.now()): Buffer[] {
  return Array.from({ length: Math.ceil(spans / SPANS_PER_REQUEST) }, (_, seq) => encodeRequest(now, seq));
}

/** Posts one encoded request; anything but a 200 without rejected spans is an error. */
export async function postOtlp(base: string, workspace: Workspace, body: Buffer): Promise<void> {
  const res = await fetch(`${base}/api/v1/otlp/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${workspace.api_key}`, 'content-type': 'application/x-protobuf' },
    body,
  });
  const answer = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`OTLP ingest answered ${res.status}: ${answer.toString('utf8').slice(0, 500)}`);
  const partial = (responseType.toObject(responseType.decode(answer)) as { partialSuccess?: { rejectedSpans?: unknown; errorMessage?: string } }).partialSuccess;
  if (Number(partial?.rejectedSpans ?? 0) > 0) throw new Error(`OTLP ingest rejected ${String(partial?.rejectedSpans)} spans: ${partial?.errorMessage}`);
}

/** The timed run: `requests` posted by `concurrency` clients, then the wait for the folds. */
export async function ingestOtlp(base: string, workspace: Workspace, requests: Buffer[], concurrency: number, phase = 'otlp'): Promise<OtlpIngestResult> {
  const spans = requests.length * SPANS_PER_REQUEST;
  log(phase, `sending ${fmt(spans)} spans as ${requests.length} protobuf requests, ${concurrency} in flight`);
  let next = 0;
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests.length; i = next++) await postOtlp(base, workspace, requests[i]!);
    }),
  );
  const acknowledgedSeconds = seconds();
  log(phase, `last request acknowledged: ${fmt(spans)} spans in ${acknowledgedSeconds.toFixed(1)} s`);
  const { foldedSeconds } = await waitUntilFolded(base, phase, seconds);
  return {
    spans,
    requests: requests.length,
    concurrency,
    bytesPerRequest: Math.round(requests.reduce((a, b) => a + b.length, 0) / requests.length),
    acknowledgedSeconds,
    acknowledgedPerSecond: spans / acknowledgedSeconds,
    foldedSeconds,
    foldedPerSecond: spans / foldedSeconds,
  };
}

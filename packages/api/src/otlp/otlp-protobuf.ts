import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * OTLP protobuf through protobufjs and the official definitions (vendored in packages/api/proto):
 * a maintained decoder of the real schema rather than a hand-written one, and the same library
 * the OpenTelemetry JS exporters were built on. Reflection (no generated code) keeps the
 * vendored .proto files the single source. Plain requests take the fast path of
 * otlp-protobuf-reader.ts, which reads with protobufjs's own Reader and this root's field
 * numbers; this decoder and the schema remain the judges of every other request (and of every
 * error message).
 */
const protoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto');
export const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(protoRoot, target);
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
root.resolveAll();

const requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const responseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

const ID_FIELDS = ['traceId', 'spanId', 'parentSpanId'] as const;

/**
 * Decodes an ExportTraceServiceRequest into OTLP's JSON shape (lowerCamelCase, hex ids,
 * 64-bit integers as decimal strings), so one schema checks both encodings. Throws on bytes
 * that are not such a message.
 */
export function decodeProtobufRequest(body: Buffer): unknown {
  const message = requestType.decode(body);
  const object = requestType.toObject(message, { longs: String, enums: Number, bytes: String, arrays: true });
  for (const resourceSpans of (object.resourceSpans ?? []) as Array<{
    scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }>;
  }>) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        for (const field of ID_FIELDS) {
          // protobufjs renders bytes as base64; OTLP's JSON encoding (and Pulse) use hex.
          if (typeof span[field] === 'string') span[field] = Buffer.from(span[field], 'base64').toString('hex');
        }
      }
    }
  }
  return object;
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

export function encodeProtobufResponse(partialSuccess: PartialSuccess | undefined): Buffer {
  return Buffer.from(responseType.encode(responseType.create(partialSuccess ? { partialSuccess } : {})).finish());
}

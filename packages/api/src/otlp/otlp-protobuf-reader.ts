import protobuf from 'protobufjs';
import type { AttributeValue, Attributes } from './otlp-attributes.js';
import { root } from './otlp-protobuf.js';
import type { ExportTraceRequest, OtlpSpan } from './otlp-request.js';

/**
 * The fast path of OTLP protobuf ingest (docs/API_SPEC.md §7): reads an ExportTraceServiceRequest
 * straight into the checked request shape, with protobufjs's Reader and the vendored .proto's
 * field numbers, without building protobufjs messages, Long times, base64 ids or the OTLP/JSON
 * form that the reflective decoder and the schema go through.
 *
 * It answers only for a plain request, one the reflective path would accept as it is: every
 * value it reads is read by the same Reader method the generated decoder uses (so UTF-8 and
 * varints are checked alike), the fields Pulse does not read are decoded by protobufjs itself
 * (so their errors are found alike), and any doubt (a malformed id or time, a repeated singular
 * message, a non-finite double, a group, any decoding error) returns undefined: the reflective
 * decoder and the schema then decide, with their own error messages. The equivalence of the
 * two paths is tested in test/otlp-equivalence.test.ts.
 */

type Reader = protobuf.Reader;
type Type = protobuf.Type;
/** A generated decoder: (reader, length, end group, depth). */
type Decode = (r: Reader, length: number, endGroup: undefined, depth: number) => unknown;

/** Thrown inside the reader when the request is not plain; never leaves readPlainExportRequest. */
const NOT_PLAIN = new Error('not a plain OTLP request');

const typeOf = (name: string) => root.lookupType(`opentelemetry.proto.${name}`);
const REQUEST = typeOf('collector.trace.v1.ExportTraceServiceRequest');
const RESOURCE_SPANS = typeOf('trace.v1.ResourceSpans');
const RESOURCE = typeOf('resource.v1.Resource');
const SCOPE_SPANS = typeOf('trace.v1.ScopeSpans');
const SPAN = typeOf('trace.v1.Span');
const EVENT = typeOf('trace.v1.Span.Event');
const STATUS = typeOf('trace.v1.Status');
const KEY_VALUE = typeOf('common.v1.KeyValue');
const ANY_VALUE = typeOf('common.v1.AnyValue');

/** A field's number in the vendored .proto. */
const id = (type: Type, name: string) => {
  const field = type.fields[name];
  if (!field) throw new Error(`${type.fullName} has no field ${name}`);
  return field.id;
};

/** The wire type the generated decoder expects for each field number of `type`. */
function wireTypesOf(type: Type): Map<number, number> {
  const wireTypes = new Map<number, number>();
  for (const field of type.fieldsArray) {
    const resolved = field.resolve().resolvedType;
    const wireType =
      resolved instanceof protobuf.Type || field.type === 'string' || field.type === 'bytes'
        ? 2
        : resolved instanceof protobuf.Enum
          ? 0
          : (protobuf.types.basic as Record<string, number | undefined>)[field.type];
    if (wireType !== undefined) wireTypes.set(field.id, wireType);
  }
  return wireTypes;
}

interface MessageInfo {
  type: Type;
  wireTypes: Map<number, number>;
}
const info = (type: Type): MessageInfo => ({ type, wireTypes: wireTypesOf(type) });
const M = {
  request: info(REQUEST),
  resourceSpans: info(RESOURCE_SPANS),
  resource: info(RESOURCE),
  scopeSpans: info(SCOPE_SPANS),
  span: info(SPAN),
  event: info(EVENT),
  status: info(STATUS),
  keyValue: info(KEY_VALUE),
  anyValue: info(ANY_VALUE),
};

const F = {
  resourceSpans: id(REQUEST, 'resourceSpans'),
  resource: id(RESOURCE_SPANS, 'resource'),
  scopeSpans: id(RESOURCE_SPANS, 'scopeSpans'),
  resourceAttributes: id(RESOURCE, 'attributes'),
  spans: id(SCOPE_SPANS, 'spans'),
  traceId: id(SPAN, 'traceId'),
  spanId: id(SPAN, 'spanId'),
  parentSpanId: id(SPAN, 'parentSpanId'),
  name: id(SPAN, 'name'),
  startTimeUnixNano: id(SPAN, 'startTimeUnixNano'),
  endTimeUnixNano: id(SPAN, 'endTimeUnixNano'),
  spanAttributes: id(SPAN, 'attributes'),
  events: id(SPAN, 'events'),
  status: id(SPAN, 'status'),
  eventName: id(EVENT, 'name'),
  eventAttributes: id(EVENT, 'attributes'),
  statusMessage: id(STATUS, 'message'),
  statusCode: id(STATUS, 'code'),
  key: id(KEY_VALUE, 'key'),
  value: id(KEY_VALUE, 'value'),
  stringValue: id(ANY_VALUE, 'stringValue'),
  boolValue: id(ANY_VALUE, 'boolValue'),
  intValue: id(ANY_VALUE, 'intValue'),
  doubleValue: id(ANY_VALUE, 'doubleValue'),
};

/**
 * The next field of the message ending at `r.len`, or undefined when the field is one the
 * generated decoder would skip (an unknown number or an unexpected wire type): skipped here too.
 */
function nextField(r: Reader, message: MessageInfo, depth: number): number | undefined {
  const tag = r.tag();
  const field = tag >>> 3;
  const wireType = tag & 7;
  // Groups are a proto2 relic no OTLP exporter sends: the reflective decoder handles them.
  if (wireType === 3 || wireType === 4) throw NOT_PLAIN;
  if (message.wireTypes.get(field) === wireType) return field;
  r.skipType(wireType, depth, field);
  return undefined;
}

/** A field Pulse does not read, decoded (and so checked) exactly as the generated decoder does. */
function readUnused(r: Reader, message: MessageInfo, fieldId: number, depth: number): void {
  const field = message.type.fieldsById[fieldId]!;
  const resolved = field.resolvedType;
  if (field.map || field.delimited) throw NOT_PLAIN;
  if (resolved instanceof protobuf.Type) (resolved.decode as unknown as Decode)(r, r.size(), undefined, depth + 1);
  else if (field.repeated) throw NOT_PLAIN; // packed scalars: none in the messages read here
  else if (resolved instanceof protobuf.Enum) r.int32();
  // proto3 strings are UTF-8-checked by the generated decoder (stringVerify) too.
  else if (field.type === 'string') r.stringVerify();
  else (r as unknown as Record<string, () => unknown>)[field.type]!();
}

/** Limits the reader to the length-prefixed message at its position; returns the outer limit. */
function enter(r: Reader): number {
  const end = r.size() + r.pos;
  if (end > r.len) throw NOT_PLAIN;
  const outer = r.len;
  r.len = end;
  return outer;
}

/** A proto3 string field: the empty string is its default, which the generated decoder leaves unset. */
function optionalString(r: Reader): string | undefined {
  const text = r.stringVerify();
  return text.length ? text : undefined;
}

/** An int64 as a number: high × 2^32 + low, rounded once, as Number() rounds its decimal string. */
function int64Number(value: unknown): number {
  return typeof value === 'number' ? value : (value as { toNumber(): number }).toNumber();
}

/** A fixed64 as a bigint, or undefined for 0 (proto3's default, left unset). */
function fixed64(r: Reader): bigint | undefined {
  const value = r.fixed64() as unknown as number | { low: number; high: number };
  if (typeof value === 'number') return value === 0 ? undefined : BigInt(value);
  if (!value.low && !value.high) return undefined;
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/**
 * An AnyValue's scalar, as scalarOf reads it. Its members are a oneof: protobufjs keeps only the
 * last one set, so the last member read decides (one Pulse does not read leaves no scalar).
 */
function readAnyValue(r: Reader, depth: number): AttributeValue | undefined {
  const outer = enter(r);
  let scalar: AttributeValue | undefined;
  while (r.pos < r.len) {
    const field = nextField(r, M.anyValue, depth);
    if (field === F.stringValue) scalar = r.stringVerify();
    else if (field === F.intValue) scalar = int64Number(r.int64());
    else if (field === F.doubleValue) {
      // The schema refuses NaN and infinities (a 400): the reflective path reports it.
      scalar = r.double();
      if (!Number.isFinite(scalar)) throw NOT_PLAIN;
    } else if (field === F.boolValue) scalar = r.bool();
    else if (field !== undefined) {
      readUnused(r, M.anyValue, field, depth);
      scalar = undefined;
    }
  }
  r.len = outer;
  return scalar;
}

function readKeyValue(r: Reader, depth: number, attributes: Attributes): void {
  const outer = enter(r);
  let key: string | undefined;
  let hasValue = false;
  let value: AttributeValue | undefined;
  while (r.pos < r.len) {
    const field = nextField(r, M.keyValue, depth);
    if (field === F.key) key = optionalString(r);
    else if (field === F.value) {
      // A repeated singular message is merged by protobufjs: left to it.
      if (hasValue) throw NOT_PLAIN;
      hasValue = true;
      value = readAnyValue(r, depth + 1);
    } else if (field !== undefined) readUnused(r, M.keyValue, field, depth);
  }
  r.len = outer;
  // A pair without a key is refused by the schema (a 400).
  if (key === undefined) throw NOT_PLAIN;
  // As setAttribute: a value without a scalar does not erase an earlier one.
  if (value !== undefined) attributes.set(key, value);
}

function readEvent(r: Reader, depth: number): NonNullable<OtlpSpan['events']>[number] {
  const outer = enter(r);
  let name: string | undefined;
  const attributes: Attributes = new Map();
  while (r.pos < r.len) {
    const field = nextField(r, M.event, depth);
    if (field === F.eventName) name = optionalString(r);
    else if (field === F.eventAttributes) readKeyValue(r, depth + 1, attributes);
    else if (field !== undefined) readUnused(r, M.event, field, depth);
  }
  r.len = outer;
  return { name, attributes };
}

function readStatus(r: Reader, depth: number): NonNullable<OtlpSpan['status']> {
  const outer = enter(r);
  let message: string | undefined;
  let code: number | undefined;
  while (r.pos < r.len) {
    const field = nextField(r, M.status, depth);
    if (field === F.statusMessage) message = optionalString(r);
    else if (field === F.statusCode) code = r.int32() || undefined;
    else if (field !== undefined) readUnused(r, M.status, field, depth);
  }
  r.len = outer;
  return { message, code };
}

/** A trace or span id as the schema takes it: exactly `length` bytes, not all zeros; lowercase hex. */
function hexId(bytes: Uint8Array | undefined, length: number): string {
  if (!bytes || bytes.length !== length || bytes.every((b) => b === 0)) throw NOT_PLAIN;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** A bytes field: empty is proto3's default, left unset. */
function optionalBytes(r: Reader): Uint8Array | undefined {
  const bytes = r.bytes();
  return bytes.length ? bytes : undefined;
}

function readSpan(r: Reader, depth: number): OtlpSpan {
  const outer = enter(r);
  let traceId: Uint8Array | undefined;
  let spanId: Uint8Array | undefined;
  let parentSpanId: Uint8Array | undefined;
  let name: string | undefined;
  let start: bigint | undefined;
  let end: bigint | undefined;
  let status: OtlpSpan['status'];
  const attributes: Attributes = new Map();
  const events: NonNullable<OtlpSpan['events']> = [];
  while (r.pos < r.len) {
    const field = nextField(r, M.span, depth);
    if (field === F.spanAttributes) readKeyValue(r, depth + 1, attributes);
    else if (field === F.traceId) traceId = optionalBytes(r);
    else if (field === F.spanId) spanId = optionalBytes(r);
    else if (field === F.parentSpanId) parentSpanId = optionalBytes(r);
    else if (field === F.name) name = optionalString(r);
    else if (field === F.startTimeUnixNano) start = fixed64(r);
    else if (field === F.endTimeUnixNano) end = fixed64(r);
    else if (field === F.events) events.push(readEvent(r, depth + 1));
    else if (field === F.status) {
      if (status) throw NOT_PLAIN;
      status = readStatus(r, depth + 1);
    } else if (field !== undefined) readUnused(r, M.span, field, depth);
  }
  r.len = outer;
  // No time, or an end before the start, is the schema's 400.
  if (start === undefined || end === undefined || end < start) throw NOT_PLAIN;
  return {
    traceId: hexId(traceId, 16),
    spanId: hexId(spanId, 8),
    parentSpanId: parentSpanId && hexId(parentSpanId, 8),
    name,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes,
    events,
    ...(status ? { status } : {}),
  };
}

type ResourceSpans = ExportTraceRequest['resourceSpans'][number];

function readScopeSpans(r: Reader, depth: number): NonNullable<ResourceSpans['scopeSpans']>[number] {
  const outer = enter(r);
  const spans: OtlpSpan[] = [];
  while (r.pos < r.len) {
    const field = nextField(r, M.scopeSpans, depth);
    if (field === F.spans) spans.push(readSpan(r, depth + 1));
    else if (field !== undefined) readUnused(r, M.scopeSpans, field, depth);
  }
  r.len = outer;
  return { spans };
}

function readResource(r: Reader, depth: number): NonNullable<ResourceSpans['resource']> {
  const outer = enter(r);
  const attributes: Attributes = new Map();
  while (r.pos < r.len) {
    const field = nextField(r, M.resource, depth);
    if (field === F.resourceAttributes) readKeyValue(r, depth + 1, attributes);
    else if (field !== undefined) readUnused(r, M.resource, field, depth);
  }
  r.len = outer;
  return { attributes };
}

function readResourceSpans(r: Reader, depth: number): ResourceSpans {
  const outer = enter(r);
  let resource: ResourceSpans['resource'];
  const scopeSpans: NonNullable<ResourceSpans['scopeSpans']> = [];
  while (r.pos < r.len) {
    const field = nextField(r, M.resourceSpans, depth);
    if (field === F.scopeSpans) scopeSpans.push(readScopeSpans(r, depth + 1));
    else if (field === F.resource) {
      if (resource) throw NOT_PLAIN;
      resource = readResource(r, depth + 1);
    } else if (field !== undefined) readUnused(r, M.resourceSpans, field, depth);
  }
  r.len = outer;
  return { ...(resource ? { resource } : {}), scopeSpans };
}

/**
 * The request as the schema would give it (exportTraceRequestSchema's output for the reflective
 * decoder's object), or undefined when the request is not plain and the reflective path decides.
 */
export function readPlainExportRequest(body: Uint8Array): ExportTraceRequest | undefined {
  try {
    const r = protobuf.Reader.create(body);
    const resourceSpans: ResourceSpans[] = [];
    while (r.pos < r.len) {
      const field = nextField(r, M.request, 0);
      if (field === F.resourceSpans) resourceSpans.push(readResourceSpans(r, 1));
      else if (field !== undefined) readUnused(r, M.request, field, 0);
    }
    return { resourceSpans };
  } catch {
    return undefined;
  }
}

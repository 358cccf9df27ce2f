/** What `pulse.trace()` takes, and the wire trace it makes of it. */
import { cut, WIRE_LIMITS } from './limits.js';
import type { WireTrace } from './wire.js';

/**
 * The §2 fields (docs/API_SPEC.md), with `trace_id` (a new UUID), `timestamp` (now) and `status`
 * (`success`) optional. `timestamp` may be a Date.
 */
export type TraceFields = Omit<WireTrace, 'trace_id' | 'timestamp' | 'status'> & {
  trace_id?: string;
  timestamp?: string | Date;
  status?: WireTrace['status'];
};

/** A random UUID where the platform has one (Node >= 19, browsers, edge), else 122 random bits. */
export function newTraceId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  const hex = () =>
    Math.floor(Math.random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-${((8 + Math.random() * 4) | 0).toString(16)}${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

/** The trace as sent: defaults filled in, text dropped (`captureText: false`) or cut to the server's limits. */
export function toWire(fields: TraceFields, captureText: boolean): WireTrace {
  // The defaults' keys first, then the caller's fields over them: V8 copies such a literal on its
  // fast path, where adding keys after a spread (or deleting any) costs ~20x (see docs/BENCHMARKS.md).
  const trace: Partial<TraceFields> = { trace_id: undefined, timestamp: undefined, status: undefined, ...fields };
  trace.trace_id ??= newTraceId();
  trace.timestamp =
    trace.timestamp instanceof Date ? trace.timestamp.toISOString() : (trace.timestamp ?? new Date().toISOString());
  trace.status ??= 'success';
  if (!captureText) {
    // Undefined fields are left out of the JSON: the text never leaves the process.
    trace.input = undefined;
    trace.output = undefined;
  } else {
    if (typeof trace.input === 'string') trace.input = cut(trace.input, WIRE_LIMITS.maxTextLength);
    if (typeof trace.output === 'string') trace.output = cut(trace.output, WIRE_LIMITS.maxTextLength);
  }
  if (typeof trace.error_message === 'string')
    trace.error_message = cut(trace.error_message, WIRE_LIMITS.maxErrorMessageLength);
  return trace as WireTrace;
}

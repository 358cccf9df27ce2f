import { z } from 'zod';
import { type Attributes, setAttribute } from './otlp-attributes.js';

/**
 * The parts of an OTLP ExportTraceServiceRequest (OTLP's JSON shape, which protobuf requests are
 * decoded into) that Pulse reads (docs/API_SPEC.md §7). Unknown fields are ignored, as OTLP
 * requires; a field Pulse reads with the wrong type, a malformed id or an impossible time makes
 * the request undecodable (400, nothing stored).
 */

const MAX_UINT64 = 2n ** 64n - 1n;

/**
 * A 64-bit unsigned integer, as OTLP's JSON sends it: a decimal string or a JSON number (a number
 * of nanoseconds is beyond 2^53 and arrives rounded, which the millisecond precision read of it
 * does not notice).
 */
const uint64 = z
  .union([z.string().regex(/^\d{1,20}$/), z.number().nonnegative().refine(Number.isInteger)], {
    error: 'must be an unsigned 64-bit integer (string or number)',
  })
  .transform((v) => BigInt(v))
  .refine((v) => v <= MAX_UINT64, { error: 'must be an unsigned 64-bit integer (string or number)' });

const nonZeroHex = (bytes: number) =>
  z
    .string({ error: `must be ${bytes * 2} hex characters` })
    .regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), { error: `must be ${bytes * 2} hex characters` })
    .refine((id) => /[1-9a-fA-F]/.test(id), { error: 'must not be all zeros' })
    .transform((id) => id.toLowerCase());

/**
 * An attribute's value. Only scalar values are read; arrays and key-value lists are ignored
 * (left unparsed, so a deeply nested value cannot exhaust the stack).
 */
const anyValue = z
  .object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    // int64: a decimal string or a JSON number; checked as a number where a figure is read.
    intValue: z.union([z.string(), z.number()]).optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
  })
  .optional();

/** Key-value pairs, read into Pulse's attribute lookup once they are valid. */
const keyValues = z
  .array(z.object({ key: z.string(), value: anyValue }))
  .transform((pairs) => {
    const attributes: Attributes = new Map();
    for (const { key, value } of pairs) setAttribute(attributes, key, value);
    return attributes;
  })
  .optional();

const span = z
  .object({
    traceId: nonZeroHex(16),
    spanId: nonZeroHex(8),
    parentSpanId: z.union([z.literal(''), nonZeroHex(8)]).optional(),
    name: z.string().optional(),
    startTimeUnixNano: uint64,
    endTimeUnixNano: uint64,
    attributes: keyValues,
    events: z.array(z.object({ name: z.string().optional(), attributes: keyValues })).optional(),
    status: z
      .object({
        message: z.string().optional(),
        // An enum: its number (OTLP's JSON), or its name as the protobuf JSON mapping allows.
        code: z.union([z.number().int(), z.string()]).optional(),
      })
      .optional(),
  })
  .refine((s) => s.startTimeUnixNano > 0n, { error: 'must be set', path: ['startTimeUnixNano'] })
  .refine((s) => s.endTimeUnixNano >= s.startTimeUnixNano, {
    error: 'must not be before startTimeUnixNano',
    path: ['endTimeUnixNano'],
  });
export type OtlpSpan = z.infer<typeof span>;

export const exportTraceRequestSchema = z.object(
  {
    resourceSpans: z.array(
      z.object({
        resource: z.object({ attributes: keyValues }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(span).optional() })).optional(),
      }),
      { error: 'must be an array' },
    ),
  },
  { error: 'must be an OTLP ExportTraceServiceRequest object' },
);
export type ExportTraceRequest = z.infer<typeof exportTraceRequestSchema>;

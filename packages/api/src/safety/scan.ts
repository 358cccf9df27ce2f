import { REDACTED_TYPES, type SafetyType } from '@pulse/shared';
import { DETECTORS, type Span } from './detectors.js';

const REDACTED = new Set<SafetyType>(REDACTED_TYPES);

/** Everything the detectors find in one text. */
export function findSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const detector of DETECTORS) for (const span of detector.find(text)) spans.push(span);
  return spans;
}

/**
 * The text with every redacted span replaced by `[REDACTED:<type>]`. Where spans overlap, the
 * one starting first (the longer of two starting together) is replaced, and the part of the
 * other that sticks out of it is replaced with it: nothing matched survives.
 */
export function redact(text: string, spans: readonly Span[]): string {
  const ordered = spans.filter((s) => REDACTED.has(s.type)).sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  // Up to where the text is already written or replaced.
  let at = 0;
  for (const span of ordered) {
    if (span.start < at) {
      // Overlapping the last replacement: it grows to cover this span too.
      at = Math.max(at, span.end);
      continue;
    }
    out += text.slice(at, span.start) + `[REDACTED:${span.type}]`;
    at = span.end;
  }
  return out + text.slice(at);
}

export interface ScannedTrace {
  /** The types found in input or output, sorted, once each. */
  flags: SafetyType[];
  input: string | null;
  output: string | null;
}

/**
 * A trace's input and output through the detectors (docs/API_SPEC.md §12): its safety flags,
 * and the texts to store, redacted when `redactPii` is on.
 */
export function scanTrace(input: string | null, output: string | null, redactPii: boolean): ScannedTrace {
  const found = new Set<SafetyType>();
  const scanned = (text: string | null) => {
    if (text === null || text === '') return text;
    const spans = findSpans(text);
    for (const s of spans) found.add(s.type);
    return redactPii && spans.length > 0 ? redact(text, spans) : text;
  };
  const storedInput = scanned(input);
  const storedOutput = scanned(output);
  return { flags: [...found].sort(), input: storedInput, output: storedOutput };
}

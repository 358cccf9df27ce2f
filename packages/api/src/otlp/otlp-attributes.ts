/**
 * Span, resource and event attributes as Pulse reads them (docs/API_SPEC.md §7): scalar values
 * by key, whichever encoding they came in. The schema builds them here from the OTLP/JSON form
 * (which the reflective protobuf decoder also produces); the fast protobuf reader follows the
 * same rules as it reads, and test/otlp-equivalence.test.ts holds the two to the same result.
 */

export type AttributeValue = string | number | boolean;
export type Attributes = Map<string, AttributeValue>;

/** The members of an OTLP AnyValue that Pulse reads; arrays, key-value lists and bytes are not. */
export interface ScalarMembers {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: string | number | undefined;
  doubleValue?: number | string | undefined;
}

/** An AnyValue's scalar: text first, then int64 (a decimal string becomes a number), double, bool. */
function scalarOf(value: ScalarMembers): AttributeValue | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  return value.boolValue;
}

/** Sets `key` unless the value holds no scalar: a later repeat of a key wins, an empty one does not erase it. */
export function setAttribute(attributes: Attributes, key: string, value: ScalarMembers | undefined): void {
  if (!value) return;
  const scalar = scalarOf(value);
  if (scalar !== undefined) attributes.set(key, scalar);
}

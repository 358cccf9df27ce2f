import type { RuleType } from '@pulse/shared';

/** A rule as stored: the fields its type does not use are null. */
export interface Rule {
  type: RuleType;
  pattern: string | null;
  min_length: number | null;
  max_length: number | null;
}

/**
 * What a refusal usually says, in English: an apology or an inability, followed by helping,
 * assisting or complying, or the classic "As an AI". A heuristic, documented as such.
 */
const REFUSAL =
  /\b(?:I(?:'|’)?m sorry,? but|I am sorry,? but|I (?:can(?:'|’)?t|cannot|won(?:'|’)?t|am unable to|(?:'|’)?m unable to|am not able to|(?:'|’)?m not able to) (?:help|assist|comply|provide|do that|fulfil|fulfill|answer)|As an AI\b)/i;

/** A rule's verdict on a call's output (docs/API_SPEC.md §13): true when the output passes. */
export function applyRule(rule: Rule, output: string): boolean {
  switch (rule.type) {
    case 'json_valid':
      try {
        JSON.parse(output);
        return true;
      } catch {
        return false;
      }
    case 'regex_match':
      return new RegExp(rule.pattern ?? '', 'u').test(output);
    case 'output_length': {
      // Characters as a reader counts them (code points), not UTF-16 units.
      const length = [...output].length;
      return length >= (rule.min_length ?? 0) && length <= (rule.max_length ?? Number.POSITIVE_INFINITY);
    }
    case 'contains_refusal':
      return REFUSAL.test(output);
  }
}

import type { Span } from './detectors.js';
import { isDigit, LuhnSums } from './checksums.js';

/**
 * Payment card numbers (docs/API_SPEC.md §12), read by hand rather than by a pattern: every
 * group of a printed number may start a candidate ("4111 " repeated is thousands of them), and
 * a pattern's match object, its copy of the candidate and a second read for the check digits
 * cost more than reading the candidate once. At each token start, the layouts in this order:
 * - compact: 13–19 digits;
 * - groups of four: 4-4-4-4 or 4-4-4, then optionally a last group of 1–4 digits;
 * - Amex: 4-6-5 (or 4-6-4);
 * separators a single space or hyphen; no letter, digit, underscore or hyphen before it, no
 * letter, digit or underscore after. A candidate is kept if it passes the Luhn check, or, when
 * its last group is 1–3 digits, without that group ("4111 1111 1111 1111 12/26"); if not, the
 * search goes on at the next token start, so a card inside a refused candidate is still found.
 */

const SPACE = 32;
const HYPHEN = 45;
const isSeparator = (c: number) => c === SPACE || c === HYPHEN;
/** The character code at i, or -1 past the end (never NaN, which would slow every comparison). */
const codeAt = (text: string, i: number) => (i < text.length ? text.charCodeAt(i) : -1);
const isWordChar = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
/** A candidate may end at i: no letter, digit or underscore follows. */
const endsToken = (text: string, i: number) => !isWordChar(codeAt(text, i));
/** A digit not inside a word or after a hyphen starts a token. */
const TOKEN_START = /(?<![\w-])\d/g;
/** How far the next token start is looked for by hand before the pattern is asked (a call costs as much as reading a few characters). */
const NEARBY = 8;

/** Reads the digits from i into `sums`, at most `max`; returns how many. */
function readDigits(text: string, i: number, max: number, sums: LuhnSums): number {
  let n = 0;
  for (; n < max; n++) {
    const c = codeAt(text, i + n);
    if (!isDigit(c)) break;
    sums.add(c - 48);
  }
  return n;
}

/** Records the card number text[start, end) and returns where the search goes on. */
function keep(spans: Span[], start: number, end: number, searchFrom = end): number {
  spans.push({ type: 'pii.credit_card', start, end });
  return searchFrom;
}

/** If a separator is at i, reads the digits after it into `sums` (at most `max`) and returns how many; else 0. */
function digitsAfterSeparator(text: string, i: number, max: number, sums: LuhnSums): number {
  return isSeparator(codeAt(text, i)) ? readDigits(text, i + 1, max, sums) : 0;
}

/**
 * The candidate at `start` (a token start): pushes its span if it is a card number and returns
 * where the search goes on (after the candidate, or one character on if it is refused).
 * Digit runs are read one more than their longest allowed length, to tell a longer one.
 */
function readCandidate(text: string, start: number, sums: LuhnSums, spans: Span[]): number {
  const refused = start + 1;
  sums.reset();
  const first = readDigits(text, start, 20, sums);
  if (first >= 13 && first <= 19) return endsToken(text, start + first) && sums.valid() ? keep(spans, start, start + first) : refused;
  if (first !== 4) return refused;
  const second = digitsAfterSeparator(text, start + 4, 7, sums);
  if (second === 6) {
    // Amex: 4-6-5 or 4-6-4.
    const last = digitsAfterSeparator(text, start + 11, 6, sums);
    const end = start + 12 + last;
    return (last === 4 || last === 5) && endsToken(text, end) && sums.valid() ? keep(spans, start, end) : refused;
  }
  // Groups of four. Three of them alone are 12 digits, too few: a card needs a fourth group of
  // four, or a last group of 1–3 digits after the third.
  if (second !== 4 || digitsAfterSeparator(text, start + 9, 5, sums) !== 4) return refused;
  const fourth = digitsAfterSeparator(text, start + 14, 5, sums);
  const fourthEnd = start + 15 + fourth;
  if (fourth >= 1 && fourth <= 3) return endsToken(text, fourthEnd) && sums.valid() ? keep(spans, start, fourthEnd) : refused;
  if (fourth !== 4) return refused;
  // Four groups, then optionally a last group of 1–4 digits; the card may be without it if it
  // is 1–3 digits ("4111 1111 1111 1111 12/26").
  const validWithoutLast = sums.valid();
  const last = digitsAfterSeparator(text, fourthEnd, 5, sums);
  const lastEnd = fourthEnd + 1 + last;
  if (last >= 1 && last <= 4 && endsToken(text, lastEnd)) {
    if (sums.valid()) return keep(spans, start, lastEnd);
    return last <= 3 && validWithoutLast ? keep(spans, start, fourthEnd, lastEnd) : refused;
  }
  return endsToken(text, fourthEnd) && validWithoutLast ? keep(spans, start, fourthEnd) : refused;
}

/** The next token start from `from`, or -1. */
function nextTokenStart(text: string, from: number): number {
  const near = Math.min(from + NEARBY, text.length);
  for (let i = from; i < near; i++) {
    if (!isDigit(codeAt(text, i))) continue;
    const before = i > 0 ? codeAt(text, i - 1) : SPACE;
    if (!isWordChar(before) && before !== HYPHEN) return i;
  }
  if (near >= text.length) return -1;
  TOKEN_START.lastIndex = near;
  return TOKEN_START.test(text) ? TOKEN_START.lastIndex - 1 : -1;
}

export function findCardNumbers(text: string): Span[] {
  const spans: Span[] = [];
  const sums = new LuhnSums();
  for (let start = nextTokenStart(text, 0); start >= 0; start = nextTokenStart(text, readCandidate(text, start, sums, spans)));
  return spans;
}

import type { SafetyType } from '@pulse/shared';
import { findCardNumbers } from './card-numbers.js';
import { ibanValid, isDigit } from './checksums.js';

/** Where a detector found something: [start, end) in UTF-16 code units of the text. */
export interface Span {
  type: SafetyType;
  start: number;
  end: number;
}

export interface Detector {
  type: SafetyType;
  find(text: string): Span[];
}

/**
 * Every pattern below runs in time linear in the text (docs/API_SPEC.md §12):
 * - a match may only start where a lookbehind says a token starts, so a long run of
 *   candidate characters is tried once, not from each of its positions;
 * - repetitions are bounded, or end the pattern with nothing after them to backtrack for;
 * - repeated parts never overlap (a separator and a digit are different characters), so
 *   a failing match has one way to fail, not exponentially many.
 * A candidate is then checked in code (check digits, digit counts) rather than by the regex.
 */
function matcher(type: SafetyType, pattern: RegExp, accept: (text: string, start: number, end: number) => number = (_text, start, end) => end - start): Detector {
  return {
    type,
    find(text) {
      const spans: Span[] = [];
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        // The match read in place, text[index, lastIndex), not through a copy of it.
        const length = accept(text, m.index, pattern.lastIndex);
        if (length > 0) spans.push({ type, start: m.index, end: m.index + length });
        // A refused candidate may hide a valid one starting inside it: look again one step on.
        // Patterns with refusals are bounded in length, so this stays linear.
        else pattern.lastIndex = m.index + 1;
      }
      return spans;
    },
  };
}


/**
 * How much of the candidate text[start, end) `valid` accepts: all of it, or all but a short
 * last group, which may be a following number or word ("4111 1111 1111 1111 12/26",
 * "… 0130 00 EUR"); 0 if neither.
 */
function validLength(text: string, start: number, end: number, valid: (text: string, start: number, end: number) => boolean): number {
  if (valid(text, start, end)) return end - start;
  // The last separator, if it is among the last four characters (and not the first).
  for (let i = end - 1; i >= end - 4 && i > start; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 45) return valid(text, start, i) ? i - start : 0;
  }
  return 0;
}

/** An email's local part: ASCII letters, digits and . _ % + - (at most 64). */
const isLocalPartChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const MAX_LOCAL_PART = 64;
/** The domain after the @: dotted labels, alphabetic top-level domain (sticky: matched at the @ only). */
const EMAIL_DOMAIN = /[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/y;

/**
 * user@example.com. Found from each @ rather than by a pattern tried at every word (the
 * costliest detector otherwise): the local part is read backwards, the domain forwards.
 */
const email: Detector = {
  type: 'pii.email',
  find(text) {
    const spans: Span[] = [];
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      let start = at;
      while (start > 0 && at - start <= MAX_LOCAL_PART && isLocalPartChar(text.charCodeAt(start - 1))) start--;
      if (start === at || at - start > MAX_LOCAL_PART) continue;
      EMAIL_DOMAIN.lastIndex = at + 1;
      const domain = EMAIL_DOMAIN.exec(text);
      if (domain) spans.push({ type: 'pii.email', start, end: EMAIL_DOMAIN.lastIndex });
    }
    return spans;
  },
};

/**
 * Phone numbers: international (+, then 8–15 digits, grouped by single spaces, dots, hyphens
 * or a parenthesised group), or the North American 3-3-4 grouping with separators
 * ("(415) 555-2671", "415-555-2671", "415.555.2671", "1 415 555 2671").
 */
const INTERNATIONAL_PHONE = /(?<![\w+])\+\d(?:[ .-]?\d|[ .-]?\(\d{1,4}\)){6,18}(?![\w])/g;
const NATIONAL_PHONE = /(?<![\w+.-]|\d[ .-])(?:1[ .-])?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w]|[.-]\d)/g;
const internationalPhone = matcher('pii.phone', INTERNATIONAL_PHONE, (text, start, end) => {
  let digits = 0;
  for (let i = start; i < end; i++) if (isDigit(text.charCodeAt(i))) digits++;
  return digits >= 8 && digits <= 15 ? end - start : 0;
});
const nationalPhone = matcher('pii.phone', NATIONAL_PHONE);
const phone: Detector = { type: 'pii.phone', find: (text) => [...internationalPhone.find(text), ...nationalPhone.find(text)] };

/** Payment card numbers: 13–19 digits passing the Luhn check, in their printed layouts (card-numbers.ts). */
const creditCard: Detector = { type: 'pii.credit_card', find: findCardNumbers };

/**
 * IBANs, compact ("DE89370400440532013000") or printed in groups of four
 * ("DE89 3704 0044 0532 0130 00"), 15–34 characters with valid check digits (mod 97). A
 * short last group may be a following word ("… 0130 00 EUR"): without it is tried too.
 */
const iban = matcher('pii.iban', /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![A-Za-z0-9])/g, (text, start, end) =>
  validLength(text, start, end, ibanValid),
);

/**
 * Provider key formats: OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), Google (AIza), AWS
 * access key ids (AKIA, ASIA), GitHub (ghp_, gho_, ghs_, ghu_, ghr_, github_pat_), Stripe
 * (sk_live_, rk_live_, and their _test_ twins) and Slack (xoxa-, xoxb-, xoxp-, xoxr-, xoxs-).
 */
const apiKey = matcher(
  'secret.api_key',
  new RegExp(
    '(?<![\\w-])(?:' +
      [
        'sk-[A-Za-z0-9_-]{20,}',
        'AIza[0-9A-Za-z_-]{35}',
        '(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])',
        'gh[pousr]_[A-Za-z0-9]{36,}',
        'github_pat_[A-Za-z0-9_]{22,}',
        '[sr]k_(?:live|test)_[A-Za-z0-9]{16,}',
        'xox[abprs]-[A-Za-z0-9-]{10,}',
      ].join('|') +
      ')',
    'g',
  ),
);

/**
 * Prompt injection: the usual phrasings of an attempt to override the system prompt
 * (case-insensitive, any whitespace between words). A heuristic: it flags the phrase
 * wherever it appears, quoted or discussed included.
 */
const INJECTION_PHRASES = [
  String.raw`ignore\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|preceding)\s+(?:instructions|prompts?|rules|directions)`,
  String.raw`disregard\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous\s+|prior\s+|above\s+)?(?:system\s+prompt|instructions|rules)`,
  String.raw`forget\s+(?:all\s+|everything\s+)?(?:your|the|previous|prior)\s+(?:instructions|rules|system\s+prompt)`,
  String.raw`you\s+are\s+now\s+(?:DAN|in\s+developer\s+mode|jailbroken|unrestricted)`,
  String.raw`do\s+anything\s+now`,
  String.raw`(?:reveal|show|print|repeat|output|leak|tell\s+me)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+prompt|hidden\s+instructions|initial\s+instructions|original\s+instructions)`,
  String.raw`override\s+(?:your|the)\s+(?:safety|system)\s+(?:instructions|guidelines|rules|prompt)`,
  String.raw`developer\s+mode\s+(?:enabled|on)`,
];
const promptInjection = matcher('prompt_injection', new RegExp(String.raw`\b(?:${INJECTION_PHRASES.join('|')})\b`, 'gi'));

/** Every detector, in the order of SAFETY_TYPES. */
export const DETECTORS: readonly Detector[] = [creditCard, email, iban, phone, promptInjection, apiKey];

/**
 * Check digits the PII detectors validate, so random digit runs are not taken for card numbers
 * or IBANs. Both skip a candidate's separators; the IBAN check reads it in place, text[start,
 * end), and card numbers are checked as they are read (card-numbers.ts): no copy per candidate.
 */

export const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;

/**
 * A card number's digits read left to right, with its Luhn (mod 10) sum kept both ways: which
 * digits are doubled depends on how many follow, known only at the end. So a candidate is
 * checked as it is read, in one pass, and a reader can be reused without allocating.
 */
export class LuhnSums {
  digits = 0;
  /** The sum if the digits at even positions from the start are the doubled ones. */
  private evenDoubled = 0;
  private oddDoubled = 0;
  private nonZero = false;

  reset(): void {
    this.digits = 0;
    this.evenDoubled = 0;
    this.oddDoubled = 0;
    this.nonZero = false;
  }

  /** Adds the digit d (0–9). */
  add(d: number): void {
    const doubled = d > 4 ? 2 * d - 9 : 2 * d;
    if (this.digits % 2 === 0) {
      this.evenDoubled += doubled;
      this.oddDoubled += d;
    } else {
      this.evenDoubled += d;
      this.oddDoubled += doubled;
    }
    if (d !== 0) this.nonZero = true;
    this.digits++;
  }

  /** 13–19 digits, not all zeros, passing Luhn (the last digit is never doubled). */
  valid(): boolean {
    const sum = this.digits % 2 === 0 ? this.evenDoubled : this.oddDoubled;
    return this.digits >= 13 && this.digits <= 19 && this.nonZero && sum % 10 === 0;
  }
}

/**
 * A payment card number: 13–19 digits (other characters are separators), not all zeros, and
 * the Luhn (mod 10) check every card number carries.
 */
export function cardNumberValid(text: string): boolean {
  const sums = new LuhnSums();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) sums.add(c - 48);
  }
  return sums.valid();
}

/**
 * An IBAN (spaces are separators): 15–34 letters and digits whose ISO 13616 check holds — the
 * first four characters moved to the end, letters read as 10–35, the number mod 97 is 1.
 * Computed piecewise, so no big integer is needed.
 */
export function ibanValid(text: string, start = 0, end = text.length): boolean {
  let remainder = 0;
  let length = 0;
  // Where the first four characters end: they are read last.
  let headEnd = start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c) && !isUpper(c)) continue;
    if (++length <= 4) headEnd = i + 1;
    else remainder = mod97Step(remainder, c);
  }
  for (let i = start; i < headEnd; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c) || isUpper(c)) remainder = mod97Step(remainder, c);
  }
  return length >= 15 && length <= 34 && remainder === 1;
}

/** The remainder after appending one character, a letter read as its two digits 10–35. */
function mod97Step(remainder: number, c: number): number {
  const value = isUpper(c) ? c - 55 : c - 48;
  return (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
}

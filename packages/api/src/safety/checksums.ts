/**
 * Check digits the PII detectors validate, so random digit runs are not taken for card numbers
 * or IBANs. Both read the candidate in place, skipping its separators: no copy per candidate.
 */

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;

/**
 * A payment card number: 13–19 digits (other characters are separators), not all zeros, and
 * the Luhn (mod 10) check every card number carries.
 */
export function cardNumberValid(text: string): boolean {
  let sum = 0;
  let digits = 0;
  let nonZero = false;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) continue;
    let d = c - 48;
    if (d !== 0) nonZero = true;
    if (digits % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    digits++;
  }
  return digits >= 13 && digits <= 19 && nonZero && sum % 10 === 0;
}

/**
 * An IBAN (spaces are separators): 15–34 letters and digits whose ISO 13616 check holds — the
 * first four characters moved to the end, letters read as 10–35, the number mod 97 is 1.
 * Computed piecewise, so no big integer is needed.
 */
export function ibanValid(text: string): boolean {
  let remainder = 0;
  let length = 0;
  // Where the first four characters end: they are read last.
  let headEnd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c) && !isUpper(c)) continue;
    if (++length <= 4) headEnd = i + 1;
    else remainder = mod97Step(remainder, c);
  }
  for (let i = 0; i < headEnd; i++) {
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

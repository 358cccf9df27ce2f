/** Check digits the PII detectors validate, so random digit runs are not taken for card numbers or IBANs. */

/** The Luhn (mod 10) check every payment card number carries. `digits` holds only 0–9. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 IBAN check digits: the first four characters moved to the end, letters read as
 * 10–35, the number mod 97 must be 1. `iban` holds only A–Z and 0–9. Computed piecewise, so
 * no big integer is needed.
 */
export function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    const value = c >= 65 ? c - 55 : c - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

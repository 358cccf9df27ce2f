import { describe, expect, it } from 'vitest';
import { num, instant, nanos, numberArray, numbersOfLiteral, textArray } from './decode.js';

// What each driver hands back for the same SQL value decodes to one JS value.
describe('row decoders', () => {
  it('num: numbers, numeric text and bigints; an empty sum is 0', () => {
    expect(num.parse(42)).toBe(42);
    expect(num.parse('42')).toBe(42);
    expect(num.parse(42n)).toBe(42);
    expect(num.parse('1.5')).toBe(1.5);
    expect(num.parse(null)).toBe(0);
    expect(() => num.parse(undefined)).toThrow();
  });

  it('nanos: exact beyond 2^53, a numeric fraction dropped, an empty sum 0n', () => {
    expect(nanos.parse('12345678901234567890')).toBe(12345678901234567890n);
    expect(nanos.parse('1500.000')).toBe(1500n);
    expect(nanos.parse(7)).toBe(7n);
    expect(nanos.parse(7n)).toBe(7n);
    expect(nanos.parse(null)).toBe(0n);
  });

  it('instant: Date and timestamptz text give the same epoch ms', () => {
    const ms = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    expect(instant.parse(new Date(ms))).toBe(ms);
    expect(instant.parse('2025-01-02T03:04:05.678Z')).toBe(ms);
    expect(instant.parse('2025-01-02 03:04:05.678+00')).toBe(ms);
    expect(() => instant.parse(null)).toThrow();
    expect(instant.nullable().parse(null)).toBeNull();
  });

  it('arrays: driver arrays and the literal text form', () => {
    expect(textArray.parse(['a', 'b'])).toEqual(['a', 'b']);
    expect(textArray.parse('{a,b}')).toEqual(['a', 'b']);
    expect(textArray.parse('{}')).toEqual([]);
    expect(textArray.parse(null)).toEqual([]);
    expect(numberArray.parse([1, 2])).toEqual([1, 2]);
    expect(numberArray.parse(['3', '4'])).toEqual([3, 4]);
    expect(numberArray.parse('{5,6}')).toEqual([5, 6]);
    expect(numberArray.parse(null)).toEqual([]);
    expect(numberArray.parse([1.5, '2.25'])).toEqual([1.5, 2.25]);
    expect(() => numberArray.parse([1, null])).toThrow();
    expect(() => numberArray.parse([{}])).toThrow();
    expect(() => numberArray.parse('{1,NULL}')).toThrow();
  });

  it('reads an array literal as Number() reads each element', () => {
    const elements = ['0', '7', '120', '-3', '2.5', '1e+15', '123456789012345', '1234567890123456789', '9007199254740993'];
    expect(numbersOfLiteral(`{${elements.join(',')}}`)).toEqual(elements.map(Number));
    expect(numbersOfLiteral('{}')).toEqual([]);
  });
});

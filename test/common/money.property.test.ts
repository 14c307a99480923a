/**
 * The two doors money comes in by, tried at scale: Alma's JSON floats and CashNet's decimal strings
 * become exact integer cents or are refused, never rounded. A failure prints fast-check's seed and
 * path: pass them to `fc.assert` to replay it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  centsFromAlmaAmount,
  centsFromDecimalString,
  decimalStringFromCents,
  maxAmountCents,
} from '../../common/money.ts'

const runs = 500

/** `fc.integer` stops at 32 bits; money goes up to the largest safe integer. */
const cents = (min: number, max: number) =>
  fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number)

const anyCents = fc.oneof(cents(-1_000_000, 1_000_000), cents(-maxAmountCents, maxAmountCents))

/** A decimal written the way a person or CashNet might: leading zeros, 0–2 decimals, a sign. */
const writtenDecimal = fc
  .record({
    negative: fc.boolean(),
    whole: fc.stringMatching(/^\d{1,12}$/),
    fraction: fc.stringMatching(/^\d{0,2}$/),
  })
  .map(({ negative, whole, fraction }) => ({
    text: `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`,
    // The exact value, by BigInt arithmetic rather than the code under test.
    cents: (negative ? -1 : 1) * Number(BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'))),
  }))
  // No negative zero: the sign of nothing is nothing.
  .map(({ text, cents: value }) => ({ text, cents: value === 0 ? 0 : value }))

function withTwoDecimals(text: string): string {
  const [whole, fraction = ''] = text.split('.')
  return `${whole}.${fraction.padEnd(2, '0')}`
}

/** Whitespace that `String#trim` removes; CashNet's `+` decodes to a plain space. */
const padding = fc.stringMatching(/^[ \t\n\r]{0,3}$/)

describe('common/money properties', () => {
  it('cents → decimal string → cents is the identity', () => {
    fc.assert(
      fc.property(anyCents, (value) => {
        const text = decimalStringFromCents(value)
        expect(text).toMatch(/^-?\d+\.\d\d$/)
        expect(centsFromDecimalString(text)).toBe(value)
      }),
      { numRuns: runs },
    )
  })

  it('a decimal string with up to two decimals is read exactly, whatever its padding', () => {
    fc.assert(
      fc.property(writtenDecimal, padding, padding, ({ text, cents: value }, before, after) => {
        // `toBe` is Object.is: it tells -0 from 0.
        expect(centsFromDecimalString(`${before}${text}${after}`)).toBe(value)
      }),
      { numRuns: runs, examples: [[{ text: '-0.00', cents: 0 }, '', '']] },
    )
  })

  it('a decimal string that is not plain money is refused, not rounded', () => {
    const notMoney = writtenDecimal.chain(({ text }) =>
      fc.oneof(
        // A third decimal (or more): fractions of a cent.
        fc.stringMatching(/^\d{1,4}$/).map((more) => `${withTwoDecimals(text)}${more}`),
        // Exponent, explicit plus, hex, thousands separators, inner spaces, bare dot.
        fc.constantFrom('e2', 'E-1', 'e0').map((exponent) => `${text}${exponent}`),
        fc.constant(`+${text}`),
        fc.constant(`0x${text.replace(/\D/gu, '')}`),
        fc.constant(`${text.replace('.', ',')}${text.includes('.') ? '' : ',5'}`),
        fc.constant(text.length > 1 ? `${text[0]} ${text.slice(1)}` : `${text} ${text}`),
        fc.constant(`${text}.`),
        fc.constant(`.${text.replace(/^-/u, '').replace('.', '')}`),
        // More than twelve whole digits.
        fc.stringMatching(/^[1-9]\d{12,20}$/).map((whole) => `${whole}.00`),
        // Digits from other scripts look like money to a person, not to the parser.
        fc.constantFrom('١٢.٥٠', '１２.５０', '१२.५०'),
        fc.constantFrom('', ' ', '-', '.', '-.5', 'NaN', 'Infinity', '--1', '1-', '1..2', '½'),
      ),
    )
    fc.assert(
      fc.property(notMoney, (text) => {
        expect(centsFromDecimalString(text)).toBeNull()
      }),
      { numRuns: runs },
    )
  })

  it('any string is refused or read as the decimal it writes', () => {
    const soup = fc.string({
      unit: fc.constantFrom(...'0123456789.-+eE ,x'.split(''), '\u00a0', '\u200b'),
      maxLength: 18,
    })
    fc.assert(
      fc.property(soup, (text) => {
        const value = centsFromDecimalString(text)
        if (value === null) return
        // What was read writes back as the same number, and nothing else was in the string.
        // (`+ 0` because "-0" reads as zero, not as negative zero.)
        expect(Number(text.trim()) + 0).toBe(value / 100)
        expect(text.trim()).toMatch(/^-?\d+(\.\d{1,2})?$/u)
      }),
      { numRuns: runs },
    )
  })

  it('an Alma amount with at most two decimals becomes its exact cents', () => {
    fc.assert(
      fc.property(anyCents, (value) => {
        // Alma's JSON text as JSON.parse reads it, and the float the sandbox writes.
        expect(centsFromAlmaAmount(JSON.parse(decimalStringFromCents(value)) as number)).toBe(value)
        expect(centsFromAlmaAmount(value / 100)).toBe(value)
      }),
      { numRuns: runs },
    )
  })

  it('an Alma amount with fractions of a cent is refused at any size', () => {
    const thousandths = fc
      .tuple(anyCents, fc.integer({ min: 1, max: 9 }))
      .filter(([value]) => Math.abs(value) < maxAmountCents)
      .map(([value, digit]) => `${decimalStringFromCents(value)}${digit}`)
    fc.assert(
      fc.property(thousandths, (text) => {
        expect(() => centsFromAlmaAmount(JSON.parse(text) as number)).toThrow(RangeError)
      }),
      { numRuns: runs, examples: [['10000.005'], ['123456.789'], ['0.001']] },
    )
  })

  it('any float is refused or is exactly a whole number of cents', () => {
    fc.assert(
      fc.property(fc.double(), (amount) => {
        let value: number
        try {
          value = centsFromAlmaAmount(amount)
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError)
          return
        }
        expect(Number.isSafeInteger(value)).toBe(true)
        expect(Math.abs(value)).toBeLessThanOrEqual(maxAmountCents)
        expect(value / 100).toBe(amount === 0 ? 0 : amount)
      }),
      { numRuns: runs, examples: [[0.1 + 0.2], [1e20], [-0], [Number.MAX_VALUE]] },
    )
  })

  it('amounts beyond what money can be are refused at both doors', () => {
    const tooLarge = cents(maxAmountCents + 1, Number.MAX_SAFE_INTEGER)
    fc.assert(
      fc.property(tooLarge, fc.boolean(), (value, negative) => {
        const signed = negative ? -value : value
        expect(centsFromDecimalString(decimalStringFromCents(signed))).toBeNull()
        expect(() => centsFromAlmaAmount(signed / 100)).toThrow(RangeError)
      }),
      { numRuns: runs },
    )
    fc.assert(
      fc.property(fc.oneof(fc.double({ noInteger: true }), fc.constant(2 ** 53)), (value) => {
        expect(() => decimalStringFromCents(value)).toThrow(RangeError)
      }),
      { numRuns: runs },
    )
  })
})

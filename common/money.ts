/**
 * Money is integer cents everywhere inside the system. These are the only two doors in:
 * Alma sends JSON numbers like 22.23, CashNet sends strings like "22.23".
 */

/** The largest amount either door lets in: twelve digits of whole currency units. */
export const maxAmountCents = 99_999_999_999_999

/**
 * Converts an Alma JSON amount (a float with at most two decimals) to integer cents. The float must
 * be exactly the one JSON gives for a two-decimal number: anything else (fractions of a cent, a sum
 * like 0.1 + 0.2, a value beyond `maxAmountCents`) is refused, never rounded.
 */
export function centsFromAlmaAmount(amount: number): number {
  if (!Number.isFinite(amount)) throw new RangeError(`Not a finite amount: ${amount}`)
  const cents = Math.round(amount * 100)
  if (Math.abs(cents) > maxAmountCents) throw new RangeError(`Amount is too large: ${amount}`)
  // Below 2^45 cents two-decimal numbers have distinct floats, and `cents / 100` is the float JSON
  // reads for that decimal: equality means Alma sent exactly this many cents.
  if (cents / 100 !== amount) {
    throw new RangeError(`Amount has more than two decimals: ${amount}`)
  }
  return cents === 0 ? 0 : cents
}

const decimalPattern = /^(-)?(\d{1,12})(?:\.(\d{1,2}))?$/

/**
 * Parses a decimal string such as "12.5" or "12.50" (optional minus, at most twelve whole digits and
 * two decimals, surrounding whitespace ignored) to integer cents; returns null if it is not one.
 */
export function centsFromDecimalString(text: string): number | null {
  const match = decimalPattern.exec(text.trim())
  if (!match) return null
  const [, sign, whole = '0', fraction = ''] = match
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
  // "-0.00" is zero, not negative zero.
  return sign && cents !== 0 ? -cents : cents
}

/** Formats integer cents as the plain decimal string CashNet and Alma's query parameters expect ("12.50"). */
export function decimalStringFromCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Cents must be an integer: ${cents}`)
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

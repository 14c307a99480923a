/**
 * Money is integer cents everywhere inside the system. These are the only two doors in:
 * Alma sends JSON numbers like 22.23, CashNet sends strings like "22.23".
 */

/** Converts an Alma JSON amount (a float with at most two decimals) to integer cents. */
export function centsFromAlmaAmount(amount: number): number {
  if (!Number.isFinite(amount)) throw new RangeError(`Not a finite amount: ${amount}`)
  const cents = Math.round(amount * 100)
  // Alma never sends fractions of a cent; anything else means the number is not money.
  if (Math.abs(cents - amount * 100) > 1e-6 * Math.max(1, Math.abs(amount * 100))) {
    throw new RangeError(`Amount has more than two decimals: ${amount}`)
  }
  return cents === 0 ? 0 : cents
}

const decimalPattern = /^(-)?(\d{1,12})(?:\.(\d{1,2}))?$/

/** Parses a decimal string such as "12.5" or "12.50" to integer cents; returns null if it is not one. */
export function centsFromDecimalString(text: string): number | null {
  const match = decimalPattern.exec(text.trim())
  if (!match) return null
  const [, sign, whole = '0', fraction = ''] = match
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
  return sign ? -cents : cents
}

/** Formats integer cents as the plain decimal string CashNet and Alma's query parameters expect ("12.50"). */
export function decimalStringFromCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Cents must be an integer: ${cents}`)
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

import type { KeypadKey } from './types.ts'

/** Applies one keypad key to a string of digits, never longer than `maxDigits`. */
export function applyKeypadKey(digits: string, key: KeypadKey, maxDigits: number): string {
  if (key === 'clear') return ''
  if (key === 'back') return digits.slice(0, -1)
  if (digits.length >= maxDigits) return digits
  return digits + key
}

/** Amount digits are cents typed like on a till: "1", "12", "125", "1250" → 0.01 … 12.50. */
export function centsFromAmountDigits(digits: string): number {
  return digits === '' ? 0 : Number.parseInt(digits, 10)
}

/** The longest amount the keypad accepts: 99,999.99. */
export const maxAmountDigits = 7

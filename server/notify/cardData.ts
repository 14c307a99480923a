/**
 * The last guard before a message is stored: nothing that could be card data goes into a message.
 * The templates never take a card number; this catches what slipped into free text (a fee
 * description, a CashNet message): magnetic-stripe track data and Luhn-valid 13–19 digit numbers.
 */

function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}

const trackData = /%B\d{12,19}\^[^?]*\?|;\d{12,19}=[^?]*\?|;\d{12,19}=\d*/g
const longNumbers = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g

export function withoutCardData(text: string): string {
  return text.replace(trackData, '[removed]').replace(longNumbers, (match) => {
    const digits = match.replace(/[ -]/g, '')
    return luhnValid(digits) ? '[removed]' : match
  })
}

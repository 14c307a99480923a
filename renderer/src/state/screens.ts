/** Every screen the patron can see, and the per-screen rules (idle timeout, card swipes). */
import type { KioskSettings } from '../../../common/api.ts'

export type AccountBlock = 'blocked' | 'inactive' | 'expired'

/** Why a payment could not start, each with its own message. */
export type PaymentProblem =
  | 'lookupExpired'
  | 'feesChanged'
  | 'feeBeingPosted'
  | 'invalidAmount'
  | 'paymentUnavailable'
  | 'checkoutFailed'

export type Screen =
  | { name: 'attract' }
  | { name: 'manualEntry' }
  | { name: 'lookingUp' }
  | { name: 'fines' }
  | { name: 'amount' }
  | { name: 'confirm' }
  | { name: 'startingCheckout' }
  | { name: 'checkout' }
  | { name: 'cancelling' }
  | { name: 'confirming' }
  | { name: 'receipt' }
  | { name: 'exceptionReceipt' }
  | { name: 'declined'; message: string | null }
  /** `reference`: set when the patron had reached CashNet, in case a payment still arrives. */
  | { name: 'cancelled'; expired: boolean; reference: string | null }
  | { name: 'notConfirmed' }
  | { name: 'noFines' }
  | { name: 'notFound' }
  | { name: 'blocked'; block: AccountBlock; reason: string | null }
  | { name: 'unavailable' }
  | { name: 'problem'; problem: PaymentProblem }

export type ScreenName = Screen['name']

export type IdleTimeoutKey = keyof KioskSettings['idleTimeoutSeconds']

/**
 * Which idle timeout applies on a screen; null where the kiosk must not wipe by itself: while
 * waiting for the service and, above all, while a payment is confirming.
 */
export function idleTimeoutKey(screen: ScreenName): IdleTimeoutKey | null {
  switch (screen) {
    case 'attract':
    case 'lookingUp':
    case 'startingCheckout':
    case 'cancelling':
    case 'confirming':
      return null
    case 'fines':
    case 'amount':
    case 'confirm':
      return 'fines'
    case 'checkout':
      return 'checkout'
    case 'receipt':
    case 'exceptionReceipt':
    case 'declined':
    case 'cancelled':
    case 'notConfirmed':
    case 'noFines':
      return 'receipt'
    case 'manualEntry':
    case 'notFound':
    case 'blocked':
    case 'unavailable':
    case 'problem':
      return 'default'
  }
}

/** Screens where a swipe starts a (new) lookup: nobody is in the middle of paying. */
export function acceptsCardSwipe(screen: ScreenName): boolean {
  switch (screen) {
    case 'attract':
    case 'manualEntry':
    case 'noFines':
    case 'notFound':
    case 'blocked':
    case 'unavailable':
      return true
    default:
      return false
  }
}

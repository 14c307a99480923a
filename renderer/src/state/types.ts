import type { StateCreator } from 'zustand/vanilla'
import type {
  CheckoutCreated,
  CheckoutState,
  KioskPayLink,
  KioskSettings,
  Language,
  LookupResponse,
} from '../../../common/api.ts'
import type { CheckoutEvent, KioskBridge } from '../../../common/kioskBridge.ts'
import type { KioskApi } from '../api/kioskApi.ts'
import type { Screen } from './screens.ts'
import type { SessionScope } from './session.ts'
import type { SettingsCache } from './settingsStorage.ts'

/** A key on the on-screen keypads. */
export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'back' | 'clear'

export interface FlowTiming {
  /** `wait` for each long-poll of a checkout's status. */
  longPollSeconds: number
  /**
   * After the patron returns from CashNet, how long "pending" may last before the kiosk cancels
   * the checkout (CashNet sends nothing when the patron cancels on its page).
   */
  pendingPatienceMs: number
  /** How long "paid" (money received, not yet posted to Alma) may last before the exception receipt. */
  paidPatienceMs: number
  /** Backoff between failed status requests: first delay and ceiling. */
  retryBaseMs: number
  retryMaxMs: number
}

export const defaultFlowTiming: FlowTiming = {
  longPollSeconds: 20,
  pendingPatienceMs: 12_000,
  paidPatienceMs: 90_000,
  retryBaseMs: 1_000,
  retryMaxMs: 10_000,
}

export interface KioskDeps {
  api: KioskApi
  host: KioskBridge
  /** Wall clock in ms (injected so tests control patience windows). */
  now: () => number
  timing: FlowTiming
  scope: SessionScope
  /** Keeps the last settings the service gave, for the next start. */
  settingsCache: SettingsCache
  /** What it had kept when this store was made (read once): the kiosk starts from them. */
  storedSettings: KioskSettings | null
  /** The page already shows the attract screen the build prerendered (see `SettingsSlice`). */
  prepainted: boolean
}

export interface SettingsSlice {
  settings: KioskSettings | null
  /** 'ready' at once when stored settings were found: fresh ones replace them when they arrive. */
  settingsStatus: 'loading' | 'ready' | 'unavailable'
  /**
   * The page painted the attract screen before the app ran (the build prerenders it into
   * index.html): while the first settings load the app keeps showing it, with the default look,
   * instead of "Starting…". Keys typed meanwhile wait for the card reader (`startup/earlyKeys.ts`).
   */
  prepainted: boolean
  /** Fetches the central kiosk settings; keeps the last good ones when the service is away. */
  loadSettings: () => Promise<void>
}

export interface PreferencesSlice {
  language: Language
  largeText: boolean
  setLanguage: (language: Language) => void
  toggleLargeText: () => void
}

export interface IdleSlice {
  /** When the "Are you still there?" warning will open (ms), for countdowns; null when no timer. */
  idleDeadline: number | null
  /** When the open warning ends the session (ms); null while the warning is closed. */
  idleWarningEndsAt: number | null
  setIdleDeadline: (deadline: number | null) => void
  openIdleWarning: () => void
  dismissIdleWarning: () => void
  /** The warning ran out: end the session (or first cancel an open checkout). */
  idleExpired: () => Promise<void>
}

export interface PatronSlice {
  screen: Screen
  patron: LookupResponse | null
  selectedFeeIds: readonly string[]
  /** Digits typed on the amount keypad, read as cents. */
  amountDigits: string
  /** A partial amount the patron confirmed; null pays the selected total. */
  partialAmountCents: number | null
  /** Digits typed on the manual id keypad. */
  manualDigits: string
  /** "Pay on your phone": the QR code shown, being made, failed, or none. */
  phoneLink: KioskPayLink | 'loading' | 'failed' | null
  /** A card swipe (or manual entry) produced this id: look the patron up. */
  cardRead: (id: string) => Promise<void>
  startManualEntry: () => void
  pressManualKey: (key: KeypadKey) => void
  submitManualEntry: () => Promise<void>
  toggleFee: (feeId: string) => void
  setAllFeesSelected: (selected: boolean) => void
  /** Pay the selected fees in full: go to the confirm screen. */
  paySelected: () => void
  chooseAmount: () => void
  pressAmountKey: (key: KeypadKey) => void
  submitAmount: () => void
  backToFines: () => void
  backFromConfirm: () => void
  /** Shows a QR code of a pay link for this patron (when the settings offer it). */
  showPhoneLink: () => Promise<void>
  hidePhoneLink: () => void
}

export interface PaymentSlice {
  checkout: CheckoutCreated | null
  checkoutState: CheckoutState | null
  /** When the patron came back from CashNet (ms). */
  returnedAt: number | null
  /** The status long-poll is failing; the confirming screen says it is reconnecting. */
  connectionTrouble: boolean
  /** No payment was reported within the grace period after the return: the checkout was cancelled. */
  gaveUpWaiting: boolean
  startCheckout: () => Promise<void>
  /** The patron (or the idle timer) cancels the CashNet page. */
  cancelCheckout: (options?: { endSessionIfCancelled?: boolean }) => Promise<void>
  handleCheckoutEvent: (event: CheckoutEvent) => void
  /** "Try again" after a decline, or "back to my fees" after a cancel. */
  retryPayment: () => void
}

export interface SessionSlice {
  /** Ends the patron session: wipe the host, reset every slice, back to the attract screen. */
  endSession: () => Promise<void>
}

export interface ReceiptPrintSlice {
  /** The host has a receipt printer (from getKioskInfo): print, and offer "Print receipt". */
  receiptPrinter: boolean
  /** The last print for this patron's checkout; null before any. */
  receiptPrint: { checkoutId: string; status: 'printing' | 'printed' | 'failed' } | null
  /** Prints the current receipt; does nothing without a printer or a receipt. */
  printReceipt: () => Promise<void>
}

/** Why "Email my receipt" did not work, as the screen explains it. */
export type ReceiptEmailFailure = 'no_email' | 'unavailable' | 'not_posted' | 'error'

export interface ReceiptEmailSlice {
  /** The last "Email my receipt" for this patron's checkout; null before any. */
  receiptEmail:
    | { checkoutId: string; status: 'sending' }
    | { checkoutId: string; status: 'sent'; sentTo: string }
    | { checkoutId: string; status: 'failed'; failure: ReceiptEmailFailure }
    | null
  /** Asks the service to email the posted receipt; once per checkout, never after a final failure. */
  emailReceipt: () => Promise<void>
}

export type KioskState = SettingsSlice &
  PreferencesSlice &
  IdleSlice &
  PatronSlice &
  PaymentSlice &
  ReceiptPrintSlice &
  ReceiptEmailSlice &
  SessionSlice

export type KioskSlice<T> = (deps: KioskDeps) => StateCreator<KioskState, [], [], T>

/**
 * The pay pages' state: one zustand store over one screen machine, like the kiosk's, without what
 * only a kiosk has (card reader, idle wipe, host bridge). The selection and the allocation preview
 * use the kiosk's own selectors, so the phone shows the split the service will post.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { CheckoutState, Language } from '../../../common/api.ts'
import { paymentLimits } from '../../../common/allocation.ts'
import { centsFromDecimalString } from '../../../common/money.ts'
import type { PayCheckoutState, PayFees, PaySessionInfo } from '../../../common/payApi.ts'
import { selectedTotalCents } from '../../../renderer/src/state/selectors.ts'
import {
  decideFollow,
  startFollowing,
  type FollowDecision,
  type FollowNext,
  type FollowTiming,
} from './follow.ts'
import { PayApiError, type PayApi } from './payApi.ts'

type PayProblem = 'invalidAmount' | 'feeBeingPosted' | 'paymentUnavailable'

type PayScreen =
  | { name: 'loading' }
  | { name: 'closed' }
  | { name: 'unavailable' }
  | { name: 'nothing' }
  | { name: 'fees'; feesChanged: boolean }
  | { name: 'amount' }
  | { name: 'confirm' }
  | { name: 'redirecting' }
  | { name: 'problem'; problem: PayProblem }
  | { name: 'waiting' }
  | { name: 'receipt' }
  | { name: 'exceptionReceipt' }
  | { name: 'declined'; message: string | null }
  | { name: 'notPaid' }
  | { name: 'noReceipt' }

export type AmountProblem = 'empty' | 'notAmount' | 'belowMinimum' | 'aboveTotal'

export interface PayState {
  screen: PayScreen
  info: PaySessionInfo | null
  language: Language
  /** The fees as the service showed them; `patron` for the kiosk's selectors. */
  patron: PayFees | null
  selectedFeeIds: readonly string[]
  amountText: string
  partialAmountCents: number | null
  checkoutState: CheckoutState | null
  connectionTrouble: boolean
  /** The fees page: loads the session and the fees. */
  openFees: () => Promise<void>
  /** The status page (back from CashNet): follows the session's checkout to its end. */
  openStatus: () => Promise<void>
  setLanguage: (language: Language) => void
  toggleFee: (feeId: string) => void
  setAllFeesSelected: (selected: boolean) => void
  payAll: () => void
  paySelected: () => void
  chooseAmount: () => void
  setAmountText: (text: string) => void
  submitAmount: () => void
  back: () => void
  startCheckout: () => Promise<void>
}

interface PayTiming extends FollowTiming {
  /** Pause before asking again after a request that got no answer. */
  retryMs: number
}

export const defaultPayTiming: PayTiming = {
  longPollSeconds: 25,
  pendingPatienceMs: 20_000,
  paidPatienceMs: 30_000,
  // CashNet posts back right after a payment; two minutes covers one made at the last moment.
  latePostbackGraceMs: 120_000,
  retryMs: 2_000,
}

export interface PayDeps {
  api: PayApi
  /** Leaves for CashNet: a full-page navigation, never a frame. */
  navigate(url: string): void
  /** The language the patron chose earlier in this tab, if any. */
  rememberedLanguage: Language | null
  rememberLanguage(language: Language): void
  /** The browser's preferred languages, best first. */
  browserLanguages: readonly string[]
  now?: () => number
  timing?: Partial<PayTiming>
}

/** "12.50", "12,50", "$12.5": the amount a patron typed, in cents, or null. */
function centsFromTypedAmount(text: string): number | null {
  const cleaned = text.replace(/[\s$]/gu, '')
  const decimal = /^\d+,\d{1,2}$/u.test(cleaned) ? cleaned.replace(',', '.') : cleaned
  return centsFromDecimalString(decimal)
}

export function amountProblem(
  state: Pick<PayState, 'amountText' | 'patron' | 'selectedFeeIds' | 'info'>,
): AmountProblem | null {
  if (state.amountText.trim() === '') return 'empty'
  const cents = centsFromTypedAmount(state.amountText)
  if (cents === null || cents <= 0) return 'notAmount'
  const { minCents, maxCents } = amountLimitsOf(state)
  if (cents < minCents) return 'belowMinimum'
  if (cents > maxCents) return 'aboveTotal'
  return null
}

export function amountLimitsOf(state: Pick<PayState, 'patron' | 'selectedFeeIds' | 'info'>) {
  return paymentLimits(selectedTotalCents(state), state.info?.minPaymentCents ?? 1)
}

function initialLanguage(info: PaySessionInfo, deps: PayDeps): Language {
  const offered = (language: string | null): language is Language =>
    language !== null && (info.languages as string[]).includes(language)
  if (offered(deps.rememberedLanguage)) return deps.rememberedLanguage
  for (const tag of deps.browserLanguages) {
    const base = tag.slice(0, 2).toLowerCase()
    if (offered(base)) return base
  }
  return info.defaultLanguage
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export type PayStore = StoreApi<PayState>

export function createPayStore(deps: PayDeps): PayStore {
  const timing = { ...defaultPayTiming, ...deps.timing }
  const now = deps.now ?? (() => Date.now())

  return createStore<PayState>()((set, get) => {
    /** Session first (its CSRF token, the library, the languages); null after showing why not. */
    async function loadSession(): Promise<PaySessionInfo | null> {
      try {
        const info = await deps.api.session()
        set({ info, language: initialLanguage(info, deps) })
        return info
      } catch (error) {
        set({ screen: failureScreen(error) })
        return null
      }
    }

    function failureScreen(error: unknown): PayScreen {
      if (error instanceof PayApiError && error.code === 'no_session') return { name: 'closed' }
      return { name: 'unavailable' }
    }

    async function loadFees(feesChanged: boolean) {
      try {
        const patron = await deps.api.fees()
        set({
          patron,
          selectedFeeIds: patron.fees.map((fee) => fee.id),
          amountText: '',
          partialAmountCents: null,
          screen: patron.fees.length > 0 ? { name: 'fees', feesChanged } : { name: 'nothing' },
        })
      } catch (error) {
        set({ screen: failureScreen(error) })
      }
    }

    /**
     * Follows the session's checkout from the moment the patron came back from CashNet until it
     * is final, or until no payment can be reported any more (see `follow.ts`).
     */
    async function follow(startedAt: number) {
      let progress = startFollowing(startedAt)
      // The first question is a plain read; every later one is what the last decision asked for.
      let wait: Extract<FollowNext, { kind: 'wait' }> | null = null
      let latest: PayCheckoutState | null = null

      const decisionFor = (state: PayCheckoutState) =>
        decideFollow({ state, screen: get().screen, progress, now: now(), timing })

      const show = (state: PayCheckoutState): FollowDecision => {
        const decision = decisionFor(state)
        progress = decision.progress
        set({ checkoutState: state })
        if (JSON.stringify(get().screen) !== JSON.stringify(decision.screen)) {
          set({ screen: decision.screen })
        }
        return decision
      }

      for (;;) {
        try {
          latest = await deps.api.checkout(
            wait ? { known: wait.known, seconds: wait.seconds } : undefined,
          )
          if (get().connectionTrouble) set({ connectionTrouble: false })
        } catch (error) {
          if (error instanceof PayApiError && error.code !== 'network') {
            set({
              screen: error.code === 'no_session' ? { name: 'closed' } : { name: 'noReceipt' },
            })
            return
          }
          // Unreachable service: try again, but not past the time a payment could still come.
          if (latest && decisionFor(latest).next.kind === 'stop') return
          set({ connectionTrouble: true })
          await sleep(timing.retryMs)
          continue
        }
        let decision = show(latest)
        if (decision.next.kind === 'cancel') {
          progress = { ...progress, cancelAsked: true }
          // If the cancel gets no answer the checkout is still pending: the next read says more.
          latest = (await deps.api.cancelCheckout().catch(() => null)) ?? latest
          decision = show(latest)
        }
        if (decision.next.kind !== 'wait') return
        wait = decision.next
      }
    }

    return {
      screen: { name: 'loading' },
      info: null,
      language: deps.rememberedLanguage ?? 'en',
      patron: null,
      selectedFeeIds: [],
      amountText: '',
      partialAmountCents: null,
      checkoutState: null,
      connectionTrouble: false,

      async openFees() {
        if (!(await loadSession())) return
        await loadFees(false)
      },

      async openStatus() {
        const info = await loadSession()
        if (!info) return
        if (!info.hasCheckout) {
          set({ screen: { name: 'noReceipt' } })
          return
        }
        // The fees name the receipt's lines by type; a failure here only costs the nicer names.
        const patron = await deps.api.fees().catch(() => null)
        set({ patron, screen: { name: 'waiting' } })
        await follow(now())
      },

      setLanguage(language) {
        deps.rememberLanguage(language)
        set({ language })
      },

      toggleFee(feeId) {
        const { selectedFeeIds } = get()
        set({
          selectedFeeIds: selectedFeeIds.includes(feeId)
            ? selectedFeeIds.filter((id) => id !== feeId)
            : [...selectedFeeIds, feeId],
          partialAmountCents: null,
        })
      },

      setAllFeesSelected(selected) {
        set({
          selectedFeeIds: selected ? (get().patron?.fees ?? []).map((fee) => fee.id) : [],
          partialAmountCents: null,
        })
      },

      payAll() {
        if (get().screen.name !== 'fees') return
        get().setAllFeesSelected(true)
        set({ screen: { name: 'confirm' } })
      },

      paySelected() {
        if (get().screen.name !== 'fees' || get().selectedFeeIds.length === 0) return
        set({ partialAmountCents: null, screen: { name: 'confirm' } })
      },

      chooseAmount() {
        if (get().screen.name !== 'fees' || get().selectedFeeIds.length === 0) return
        set({ amountText: '', screen: { name: 'amount' } })
      },

      setAmountText(text) {
        set({ amountText: text.slice(0, 16) })
      },

      submitAmount() {
        const state = get()
        if (state.screen.name !== 'amount' || amountProblem(state) !== null) return
        const cents = centsFromTypedAmount(state.amountText)
        const total = selectedTotalCents(state)
        set({
          partialAmountCents: cents !== null && cents < total ? cents : null,
          screen: { name: 'confirm' },
        })
      },

      back() {
        const { screen, partialAmountCents } = get()
        if (screen.name === 'amount') set({ screen: { name: 'fees', feesChanged: false } })
        if (screen.name === 'confirm') {
          set({
            screen:
              partialAmountCents === null
                ? { name: 'fees', feesChanged: false }
                : { name: 'amount' },
          })
        }
        if (screen.name === 'problem') set({ screen: { name: 'fees', feesChanged: false } })
      },

      async startCheckout() {
        const state = get()
        if (state.screen.name !== 'confirm') return
        const allFees = state.patron?.fees ?? []
        const all = state.selectedFeeIds.length === allFees.length
        set({ screen: { name: 'redirecting' } })
        try {
          const created = await deps.api.createCheckout({
            ...(all ? {} : { feeIds: [...state.selectedFeeIds] }),
            ...(state.partialAmountCents !== null ? { amountCents: state.partialAmountCents } : {}),
          })
          deps.navigate(created.checkoutUrl)
        } catch (error) {
          const code = error instanceof PayApiError ? error.code : 'network'
          if (code === 'no_session') set({ screen: { name: 'closed' } })
          else if (code === 'fees_changed' || code === 'lookup_expired') await loadFees(true)
          else if (code === 'invalid_amount')
            set({ screen: { name: 'problem', problem: 'invalidAmount' } })
          else if (code === 'fee_being_posted') {
            set({ screen: { name: 'problem', problem: 'feeBeingPosted' } })
          } else set({ screen: { name: 'problem', problem: 'paymentUnavailable' } })
        }
      },
    }
  })
}

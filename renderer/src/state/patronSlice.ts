import { isKioskApiError } from '../api/kioskApiError.ts'
import { applyKeypadKey, centsFromAmountDigits, maxAmountDigits } from './keypad.ts'
import { acceptsCardSwipe, type AccountBlock, type Screen } from './screens.ts'
import { amountEntryProblem } from './selectors.ts'
import { ended } from './session.ts'
import type { KioskSlice, PatronSlice } from './types.ts'

export const initialPatron = {
  screen: { name: 'attract' } as Screen,
  patron: null,
  selectedFeeIds: [] as readonly string[],
  amountDigits: '',
  partialAmountCents: null,
  manualDigits: '',
  phoneLink: null,
}

const blockCodes: readonly AccountBlock[] = ['blocked', 'inactive', 'expired']

/** The screen for a failed lookup. */
function lookupFailureScreen(error: unknown): Screen {
  if (isKioskApiError(error) && error.kind === 'rejected') {
    const code = error.code
    if (code === 'not_found' || code === 'invalid_card' || code === 'invalid_request') {
      return { name: 'notFound' }
    }
    const block = blockCodes.find((candidate) => candidate === code)
    if (block) return { name: 'blocked', block, reason: error.reason }
  }
  return { name: 'unavailable' }
}

export const createPatronSlice: KioskSlice<PatronSlice> = (deps) => (set, get) => ({
  ...initialPatron,

  async cardRead(id) {
    if (!acceptsCardSwipe(get().screen.name) || !get().settings) return
    // A new read starts from a clean slate: nothing of a previous lookup stays around.
    deps.scope.renew()
    const { signal } = deps.scope
    set({ ...initialPatron, screen: { name: 'lookingUp' } })
    try {
      const patron = await deps.api.lookup(id, signal)
      if (ended(signal)) return
      set({
        patron,
        selectedFeeIds: patron.fees.map((fee) => fee.id),
        screen: { name: patron.fees.length > 0 ? 'fines' : 'noFines' },
      })
    } catch (error) {
      if (ended(signal)) return
      set({ screen: lookupFailureScreen(error) })
    }
  },

  startManualEntry() {
    if (get().screen.name !== 'attract' || !get().settings?.allowManualEntry) return
    set({ screen: { name: 'manualEntry' }, manualDigits: '' })
  },

  pressManualKey(key) {
    const maxDigits = get().settings?.cardReader.maxLength ?? 19
    set({ manualDigits: applyKeypadKey(get().manualDigits, key, Math.min(maxDigits, 32)) })
  },

  async submitManualEntry() {
    const { manualDigits, settings, screen } = get()
    if (screen.name !== 'manualEntry' || !settings) return
    if (manualDigits.length < settings.cardReader.minLength) return
    await get().cardRead(manualDigits)
  },

  toggleFee(feeId) {
    const { selectedFeeIds, patron } = get()
    if (!patron?.fees.some((fee) => fee.id === feeId)) return
    const selected = selectedFeeIds.includes(feeId)
      ? selectedFeeIds.filter((id) => id !== feeId)
      : [...selectedFeeIds, feeId]
    // A new selection changes the total, so a partial amount typed before no longer applies.
    set({ selectedFeeIds: selected, partialAmountCents: null, amountDigits: '' })
  },

  setAllFeesSelected(selected) {
    const fees = get().patron?.fees ?? []
    set({
      selectedFeeIds: selected ? fees.map((fee) => fee.id) : [],
      partialAmountCents: null,
      amountDigits: '',
    })
  },

  paySelected() {
    if (get().screen.name !== 'fines' || get().selectedFeeIds.length === 0) return
    set({ partialAmountCents: null, screen: { name: 'confirm' } })
  },

  chooseAmount() {
    if (get().screen.name !== 'fines' || get().selectedFeeIds.length === 0) return
    set({ amountDigits: '', screen: { name: 'amount' } })
  },

  pressAmountKey(key) {
    const digits = applyKeypadKey(get().amountDigits, key, maxAmountDigits)
    // Leading zeros would only make the till-style display odd.
    set({ amountDigits: digits.replace(/^0+/u, '') })
  },

  submitAmount() {
    const state = get()
    if (state.screen.name !== 'amount' || amountEntryProblem(state) !== null) return
    set({
      partialAmountCents: centsFromAmountDigits(state.amountDigits),
      screen: { name: 'confirm' },
    })
  },

  backToFines() {
    const name = get().screen.name
    if (name !== 'amount' && name !== 'confirm') return
    set({ partialAmountCents: null, amountDigits: '', screen: { name: 'fines' } })
  },

  async showPhoneLink() {
    const { screen, patron, settings } = get()
    if (screen.name !== 'fines' || !patron || !settings?.payOnPhone) return
    const { signal } = deps.scope
    set({ phoneLink: 'loading' })
    // A patron who went back to the fees meanwhile is not shown the code (or its failure) later.
    const stillWaiting = () => !ended(signal) && get().phoneLink === 'loading'
    try {
      const link = await deps.api.createPayLink(patron.lookupId, signal)
      if (stillWaiting()) set({ phoneLink: link })
    } catch {
      if (stillWaiting()) set({ phoneLink: 'failed' })
    }
  },

  hidePhoneLink() {
    set({ phoneLink: null })
  },

  backFromConfirm() {
    if (get().screen.name !== 'confirm') return
    set({ screen: { name: get().partialAmountCents === null ? 'fines' : 'amount' } })
  },
})

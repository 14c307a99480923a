import { idleTimeoutKey } from './screens.ts'
import type { IdleSlice, KioskSlice } from './types.ts'

export const initialIdle = { idleDeadline: null, idleWarningEndsAt: null } as const

export const createIdleSlice: KioskSlice<IdleSlice> = (deps) => (set, get) => ({
  ...initialIdle,

  setIdleDeadline(deadline) {
    if (get().idleDeadline !== deadline) set({ idleDeadline: deadline })
  },

  openIdleWarning() {
    const { settings, idleWarningEndsAt } = get()
    if (!settings || idleWarningEndsAt !== null) return
    set({ idleWarningEndsAt: deps.now() + settings.idleWarningSeconds * 1000 })
  },

  dismissIdleWarning() {
    set({ idleWarningEndsAt: null })
  },

  async idleExpired() {
    set({ idleWarningEndsAt: null })
    const screen = get().screen.name
    if (screen === 'checkout') {
      await get().cancelCheckout({ endSessionIfCancelled: true })
      return
    }
    // Never wipe while the service is working for the patron, above all while a payment confirms.
    if (screen !== 'attract' && idleTimeoutKey(screen) === null) return
    await get().endSession()
  },
})

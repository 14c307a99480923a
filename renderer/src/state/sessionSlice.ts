import { initialIdle } from './idleSlice.ts'
import { initialPatron } from './patronSlice.ts'
import { initialPayment } from './paymentSlice.ts'
import { initialPreferences } from './preferencesSlice.ts'
import { initialReceiptEmail } from './receiptEmailSlice.ts'
import { initialReceiptPrint } from './receiptPrintSlice.ts'
import type { KioskSlice, SessionSlice } from './types.ts'

export const createSessionSlice: KioskSlice<SessionSlice> = (deps) => (set, get) => ({
  async endSession() {
    // Stop everything started for this patron, then forget them before anything else happens.
    deps.scope.renew()
    set({
      ...initialPatron,
      ...initialPayment,
      ...initialIdle,
      ...initialReceiptPrint,
      ...initialReceiptEmail,
      ...initialPreferences(get().settings),
    })
    await deps.host.endPatronSession().catch(() => undefined)
    // Pick up settings IT changed centrally while this patron was here.
    await get().loadSettings()
  },
})

import { createStore, type StoreApi } from 'zustand/vanilla'
import type { KioskBridge } from '../../../common/kioskBridge.ts'
import type { KioskApi } from '../api/kioskApi.ts'
import { createIdleSlice } from './idleSlice.ts'
import { createPatronSlice } from './patronSlice.ts'
import { createPaymentSlice } from './paymentSlice.ts'
import { createPreferencesSlice } from './preferencesSlice.ts'
import { createReceiptEmailSlice } from './receiptEmailSlice.ts'
import { createReceiptPrintSlice } from './receiptPrintSlice.ts'
import { createSessionScope } from './session.ts'
import { createSessionSlice } from './sessionSlice.ts'
import { noSettingsCache, type SettingsCache } from './settingsStorage.ts'
import { createSettingsSlice } from './settingsSlice.ts'
import { defaultFlowTiming, type FlowTiming, type KioskDeps, type KioskState } from './types.ts'

export interface KioskStore extends StoreApi<KioskState> {
  /** Stops listening to the host and abandons any work in flight (tests, hot reload). */
  dispose(): void
}

export interface KioskStoreOptions {
  api: KioskApi
  host: KioskBridge
  now?: () => number
  timing?: Partial<FlowTiming>
  /** Where the last settings are kept between starts (default: nowhere). */
  settingsCache?: SettingsCache
  /** The page already shows the prerendered attract screen (default: no, "Starting…" first). */
  prepainted?: boolean
}

/** The kiosk's one store: typed slices over one state machine, wired to the service and host. */
export function createKioskStore(options: KioskStoreOptions): KioskStore {
  const settingsCache = options.settingsCache ?? noSettingsCache
  const deps: KioskDeps = {
    api: options.api,
    host: options.host,
    now: options.now ?? (() => Date.now()),
    timing: { ...defaultFlowTiming, ...options.timing },
    scope: createSessionScope(),
    settingsCache,
    storedSettings: settingsCache.read(),
    prepainted: options.prepainted ?? false,
  }
  const store = createStore<KioskState>()((...a) => ({
    ...createSettingsSlice(deps)(...a),
    ...createPreferencesSlice(deps)(...a),
    ...createIdleSlice(deps)(...a),
    ...createPatronSlice(deps)(...a),
    ...createPaymentSlice(deps)(...a),
    ...createReceiptPrintSlice(deps)(...a),
    ...createReceiptEmailSlice(deps)(...a),
    ...createSessionSlice(deps)(...a),
  }))
  const unsubscribe = options.host.onCheckoutEvent((event) => {
    store.getState().handleCheckoutEvent(event)
  })
  return {
    ...store,
    dispose() {
      unsubscribe()
      deps.scope.renew()
    },
  }
}

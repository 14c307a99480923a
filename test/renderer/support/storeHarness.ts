import { vi } from 'vitest'
import { createKioskStore, type KioskStore } from '../../../renderer/src/state/store.ts'
import type { FlowTiming } from '../../../renderer/src/state/types.ts'
import type { ScreenName } from '../../../renderer/src/state/screens.ts'
import { FakeHost } from './fakeHost.ts'
import { FakeKioskApi } from './fakeKioskApi.ts'
import { lookupFixture } from './fixtures.ts'

export interface Harness {
  store: KioskStore
  api: FakeKioskApi
  host: FakeHost
  clock: { now: number }
}

/** A store on the fake service and host, with settings loaded and a controllable clock. */
export async function createHarness(timing: Partial<FlowTiming> = {}): Promise<Harness> {
  const api = new FakeKioskApi()
  api.patrons.set('2000000001', lookupFixture())
  const host = new FakeHost()
  const clock = { now: 1_000_000 }
  const store = createKioskStore({
    api,
    host,
    now: () => clock.now,
    timing: { longPollSeconds: 1, retryBaseMs: 5, retryMaxMs: 20, ...timing },
  })
  await store.getState().loadSettings()
  return { store, api, host, clock }
}

export async function untilScreen(store: KioskStore, name: ScreenName): Promise<void> {
  await vi.waitFor(
    () => {
      const current = store.getState().screen.name
      if (current !== name) throw new Error(`screen is ${current}, waiting for ${name}`)
    },
    { timeout: 3000, interval: 5 },
  )
}

/** Swipes patron 2000000001 and pays everything up to the open CashNet page. */
export async function openCheckout(harness: Harness, options: { amountDigits?: string } = {}) {
  const { store } = harness
  await store.getState().cardRead('2000000001')
  await untilScreen(store, 'fines')
  if (options.amountDigits) {
    store.getState().chooseAmount()
    for (const digit of options.amountDigits) {
      store.getState().pressAmountKey(digit as '0')
    }
    store.getState().submitAmount()
  } else {
    store.getState().paySelected()
  }
  await store.getState().startCheckout()
  await untilScreen(store, 'checkout')
  const checkoutId = store.getState().checkout?.checkoutId
  if (!checkoutId) throw new Error('no checkout was created')
  return checkoutId
}

import { act, fireEvent, render } from '@testing-library/react'
import type { KioskBridge } from '../../../common/kioskBridge.ts'
import { KioskApp } from '../../../renderer/src/App.tsx'
import { createI18n, preloadLanguages } from '../../../renderer/src/i18n/i18n.ts'
import { patronScreens } from '../../../renderer/src/screens/ScreenRouter.tsx'
import { createKioskStore, type KioskStore } from '../../../renderer/src/state/store.ts'
import type { FlowTiming } from '../../../renderer/src/state/types.ts'
import { FakeHost } from './fakeHost.ts'
import { FakeKioskApi } from './fakeKioskApi.ts'
import { lookupFixture } from './fixtures.ts'

export interface RenderedKiosk {
  store: KioskStore
  api: FakeKioskApi
  host: KioskBridge
  unmount: () => void
}

/** Renders the whole kiosk UI on the fake service, with settings loaded. */
export async function renderKiosk(
  options: {
    api?: FakeKioskApi
    host?: KioskBridge
    timing?: Partial<FlowTiming>
  } = {},
): Promise<RenderedKiosk> {
  const api = options.api ?? new FakeKioskApi()
  if (!api.patrons.has('2000000001')) api.patrons.set('2000000001', lookupFixture())
  const host = options.host ?? new FakeHost()
  const store = createKioskStore({
    api,
    host,
    timing: { longPollSeconds: 1, retryBaseMs: 5, ...options.timing },
  })
  // The kiosk loads these when the page is idle after its first paint; here before the first test step.
  await Promise.all([patronScreens.load(), preloadLanguages()])
  const i18n = createI18n()
  const view = render(<KioskApp store={store} i18n={i18n} host={host} />)
  await act(() => store.getState().loadSettings())
  return {
    store,
    api,
    host,
    unmount: () => {
      view.unmount()
      store.dispose()
    },
  }
}

/** A keyboard-wedge swipe: every key as a keydown, shifted characters with Shift, then Enter. */
export function swipe(data: string, target: Element = document.activeElement ?? document.body) {
  for (const char of Array.from(data)) {
    if (/[%^?A-Z]/u.test(char)) fireEvent.keyDown(target, { key: 'Shift' })
    fireEvent.keyDown(target, { key: char })
  }
  return fireEvent.keyDown(target, { key: 'Enter' })
}

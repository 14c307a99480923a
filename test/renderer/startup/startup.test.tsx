import { act, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { KioskSettings } from '../../../common/api.ts'
import { KioskApp } from '../../../renderer/src/App.tsx'
import { createI18n } from '../../../renderer/src/i18n/i18n.ts'
import { patronScreens } from '../../../renderer/src/screens/ScreenRouter.tsx'
import { recordEarlyKeys } from '../../../renderer/src/startup/earlyKeys.ts'
import { createKioskStore } from '../../../renderer/src/state/store.ts'
import { FakeHost } from '../support/fakeHost.ts'
import { FakeKioskApi } from '../support/fakeKioskApi.ts'
import { lookupFixture, settingsFixture } from '../support/fixtures.ts'
import { renderKiosk, swipe, type RenderedKiosk } from '../support/renderKiosk.tsx'

let cleanup: (() => void) | undefined
afterEach(() => {
  cleanup?.()
  cleanup = undefined
  delete window.kioskEarlyKeys
})

/** The service answers the settings request only when the test says so. */
class SlowSettingsApi extends FakeKioskApi {
  private answerSettings: (() => void) | undefined
  override getKioskSettings(): Promise<KioskSettings> {
    return new Promise((resolve) => {
      this.answerSettings = () => {
        resolve(settingsFixture())
      }
    })
  }
  sendSettings(): void {
    this.answerSettings?.()
  }
}

async function startWhileSettingsLoad(prepainted: boolean) {
  await patronScreens.load()
  const api = new SlowSettingsApi()
  api.patrons.set('2000000001', lookupFixture())
  const store = createKioskStore({ api, host: new FakeHost(), prepainted })
  const view = render(<KioskApp store={store} i18n={createI18n()} host={new FakeHost()} />)
  const loaded = store.getState().loadSettings()
  cleanup = () => {
    view.unmount()
    store.dispose()
  }
  return { api, loaded }
}

describe('renderer: start-up with the prerendered attract screen', () => {
  it('reads a swipe made before the app ran, once', async () => {
    recordEarlyKeys(window)
    swipe(';2000000001=2612?')
    const kiosk: RenderedKiosk = await renderKiosk()
    cleanup = kiosk.unmount
    await screen.findByRole('heading', { level: 1, name: 'Hello, Jane D.' })
    expect(kiosk.api.lookups).toEqual(['2000000001'])
    expect('kioskEarlyKeys' in window).toBe(false)
  })

  it('keeps the attract screen while the first settings load, and reads a swipe made then', async () => {
    recordEarlyKeys(window)
    const { api, loaded } = await startWhileSettingsLoad(true)
    expect(
      screen.getByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' }),
    ).toBeTruthy()
    swipe(';2000000001=2612?')
    // No settings yet, so no card reader: the first-paint script still holds the keys.
    expect(api.lookups).toEqual([])
    await act(async () => {
      api.sendSettings()
      await loaded
    })
    await screen.findByRole('heading', { level: 1, name: 'Hello, Jane D.' })
    expect(api.lookups).toEqual(['2000000001'])
  })

  it('says "Starting…" while the first settings load when nothing was prerendered', async () => {
    await startWhileSettingsLoad(false)
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Starting…')
  })
})

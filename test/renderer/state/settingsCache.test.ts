import { afterEach, describe, expect, it } from 'vitest'
import { createKioskStore } from '../../../renderer/src/state/store.ts'
import { createSettingsCache } from '../../../renderer/src/state/settingsCache.ts'
import {
  localStorageOf,
  settingsCacheKey,
  type SettingsStorage,
} from '../../../renderer/src/state/settingsStorage.ts'
import { FakeHost } from '../support/fakeHost.ts'
import { FakeKioskApi } from '../support/fakeKioskApi.ts'
import { settingsFixture } from '../support/fixtures.ts'

afterEach(() => {
  window.localStorage.clear()
})

/** A storage whose every call fails, as a disabled or full one does. */
const brokenStorage: SettingsStorage = {
  getItem: () => {
    throw new Error('storage disabled')
  },
  setItem: () => {
    throw new Error('quota exceeded')
  },
  removeItem: () => {
    throw new Error('storage disabled')
  },
}

describe('renderer/state/settingsCache', () => {
  it('keeps the last settings in the page storage and reads them back checked', () => {
    const cache = createSettingsCache(localStorageOf(window))
    expect(cache.read()).toBeNull()
    const settings = settingsFixture({ defaultLanguage: 'es' })
    cache.write(settings)
    expect(createSettingsCache(window.localStorage).read()).toEqual(settings)
  })

  it('drops a damaged or outdated copy instead of painting from it', () => {
    const cache = createSettingsCache(window.localStorage)
    window.localStorage.setItem(settingsCacheKey, '{"library":')
    expect(cache.read()).toBeNull()
    window.localStorage.setItem(settingsCacheKey, JSON.stringify({ library: { name: 'Old' } }))
    expect(cache.read()).toBeNull()
    expect(window.localStorage.getItem(settingsCacheKey)).toBeNull()
  })

  it('starts without stored settings when the storage fails, and never throws', () => {
    const cache = createSettingsCache(brokenStorage)
    expect(cache.read()).toBeNull()
    expect(() => {
      cache.write(settingsFixture())
    }).not.toThrow()
    expect(createSettingsCache(null).read()).toBeNull()
  })

  it('lets a restarted kiosk start ready from the stored settings, then takes fresh ones', async () => {
    const cache = createSettingsCache(window.localStorage)
    cache.write(settingsFixture({ defaultLanguage: 'es', allowManualEntry: false }))
    const api = new FakeKioskApi(settingsFixture({ allowManualEntry: true }))
    api.down = true
    const store = createKioskStore({ api, host: new FakeHost(), settingsCache: cache })
    try {
      expect(store.getState()).toMatchObject({
        settingsStatus: 'ready',
        language: 'es',
        settings: { allowManualEntry: false },
      })
      // The service is away at start: the kiosk keeps the stored settings, as after any outage.
      await store.getState().loadSettings()
      expect(store.getState().settingsStatus).toBe('ready')
      api.down = false
      await store.getState().loadSettings()
      expect(store.getState()).toMatchObject({
        language: 'en',
        settings: { allowManualEntry: true },
      })
      expect(cache.read()).toEqual(api.settings)
    } finally {
      store.dispose()
    }
  })
})

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { KioskApp } from './App.tsx'
import { createI18n, preloadLanguages } from './i18n/i18n.ts'
import { whenIdle } from './lazy/deferredModule.ts'
import { patronScreens } from './screens/ScreenRouter.tsx'
import { localStorageOf } from './state/settingsStorage.ts'
import { createKioskStore } from './state/store.ts'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

// The API client, the host bridge and the settings cache, with zod and the API schemas: a chunk
// of its own, fetched now. The attract screen is on the page already (the build's prerender).
const { createKioskApi, createSettingsCache, resolveKioskHost } = await import('./kioskServices.ts')

const host = resolveKioskHost(window)
const store = createKioskStore({
  api: createKioskApi(),
  host,
  // The attract screen paints from the last known settings while fresh ones load.
  settingsCache: createSettingsCache(localStorageOf(window)),
  // The build prerendered the attract screen into #root (renderer/vite.config.ts) and the
  // first-paint script has shown it: the app draws the same screen over it (createRoot replaces
  // #root's content in one commit) and keeps it while the first settings load.
  prepainted: root.firstElementChild !== null,
})
const i18n = createI18n()
void store.getState().loadSettings()

createRoot(root).render(
  <StrictMode>
    <KioskApp store={store} i18n={i18n} host={host} />
  </StrictMode>,
)

// What the attract screen does not need arrives once it has painted, before any patron needs it.
whenIdle(() => {
  void patronScreens.load()
  void preloadLanguages()
})

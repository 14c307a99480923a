import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createKioskApi } from './api/kioskApi.ts'
import { KioskApp } from './App.tsx'
import { resolveKioskHost } from './host/kioskHost.ts'
import { createI18n } from './i18n/i18n.ts'
import { createKioskStore } from './state/store.ts'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

const host = resolveKioskHost(window)
const store = createKioskStore({ api: createKioskApi(), host })
const i18n = createI18n('en')
void store.getState().loadSettings()

createRoot(root).render(
  <StrictMode>
    <KioskApp store={store} i18n={i18n} host={host} />
  </StrictMode>,
)

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { languageSchema, type Language } from '../../../common/api.ts'
import { payPaths } from '../../../common/payApi.ts'
import { createI18n, preloadLanguages } from '../../../renderer/src/i18n/i18n.ts'
import { createPayApi } from './payApi.ts'
import { PayApp } from './PayApp.tsx'
import { createPayStore } from './payStore.ts'
import './pay.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

const languageKey = 'pay-language'
const remembered = languageSchema.safeParse(sessionStorage.getItem(languageKey))

const store = createPayStore({
  api: createPayApi(),
  // A full-page navigation to CashNet: the pages never frame it.
  navigate: (url) => {
    window.location.assign(url)
  },
  rememberedLanguage: remembered.success ? remembered.data : null,
  rememberLanguage: (language: Language) => {
    sessionStorage.setItem(languageKey, language)
  },
  browserLanguages: navigator.languages,
})
const i18n = createI18n()
// Spanish (and any other language) arrives in its own chunk; fetch it while the patron reads.
void preloadLanguages()

if (window.location.pathname === payPaths.status) void store.getState().openStatus()
else void store.getState().openFees()

createRoot(root).render(
  <StrictMode>
    <PayApp store={store} i18n={i18n} />
  </StrictMode>,
)

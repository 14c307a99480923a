/**
 * The attract screen as the app first draws it (no settings yet: the default library name,
 * colours and English), rendered to HTML at build time by `kioskFirstPaint` in
 * renderer/vite.config.ts and written into index.html's #root. It is the app's own component tree
 * (`KioskApp` on a store that has nothing yet), so there is one definition of the screen; nothing
 * runs against the service or the host here (effects do not run on the server).
 */
import { renderToStaticMarkup } from 'react-dom/server'
import type { KioskBridge } from '../../../common/kioskBridge.ts'
import { createKioskApi } from '../api/kioskApi.ts'
import { KioskApp } from '../App.tsx'
import { createI18n } from '../i18n/i18n.ts'
import { createKioskStore } from '../state/store.ts'

const notAtBuildTime = () => Promise.reject(new Error('The prerender calls no host.'))

/** A host that is never called: rendering to a string runs no effects. */
const buildHost: KioskBridge = {
  openCheckout: notAtBuildTime,
  closeCheckout: notAtBuildTime,
  moveCheckout: notAtBuildTime,
  onCheckoutEvent: () => () => undefined,
  endPatronSession: notAtBuildTime,
  getKioskInfo: notAtBuildTime,
  printReceipt: notAtBuildTime,
  heartbeat: () => undefined,
}

/**
 * The markup of the kiosk showing its attract screen. Style attributes are left out: the kiosk's
 * CSP refuses inline styles in markup, and the first-paint script sets the colours itself.
 */
export function prerenderAttractScreen(): string {
  const store = createKioskStore({ api: createKioskApi(), host: buildHost, prepainted: true })
  try {
    const html = renderToStaticMarkup(
      <KioskApp store={store} i18n={createI18n()} host={buildHost} />,
    )
    return html.replaceAll(/ style="[^"]*"/gu, '')
  } finally {
    store.dispose()
  }
}

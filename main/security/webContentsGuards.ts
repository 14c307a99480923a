/**
 * The Electron glue around the security decisions: each function attaches one kind of guard to a
 * web contents, session or the app. The decisions themselves live in plain functions
 * (keyFilter, navigationPolicy) that the tests exercise directly.
 */
import type { App, Session, WebContents } from 'electron'
import type { KioskLog } from '../logging.ts'
import { blockedShortcut } from './keyFilter.ts'
import { isAllowedKioskUrl } from './navigationPolicy.ts'

/**
 * Swallows reload, devtools, close, zoom, print and similar shortcuts. Pinch (visual) zoom needs
 * nothing: Electron leaves it off unless setVisualZoomLevelLimits turns it on, and that call only
 * applies to the page already loaded, so calling it here, before any page, would do nothing.
 */
export function guardKeys(contents: WebContents, production: boolean): void {
  contents.on('before-input-event', (event, input) => {
    if (blockedShortcut(input, { production })) event.preventDefault()
  })
}

/** In production devtools are off in webPreferences; should they open anyway, close them. */
export function guardDevTools(contents: WebContents, production: boolean, log: KioskLog): void {
  if (!production) return
  contents.on('devtools-opened', () => {
    log.warn('devtools opened in production: closing them')
    contents.closeDevTools()
  })
}

/** The kiosk window stays on app://kiosk: every other navigation or redirect is refused. */
export function guardKioskNavigation(contents: WebContents, log: KioskLog): void {
  const refuse = (event: { preventDefault(): void }, url: string) => {
    if (isAllowedKioskUrl(url)) return
    event.preventDefault()
    log.warn(`kiosk window: refused navigation to ${safeForLog(url)}`)
  }
  contents.on('will-navigate', (event) => {
    refuse(event, event.url)
  })
  contents.on('will-frame-navigate', (event) => {
    refuse(event, event.url)
  })
  contents.on('will-redirect', (event) => {
    refuse(event, event.url)
  })
}

/** Every permission (camera, notifications, geolocation, HID, …) is refused, asked or checked. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false)
  })
  session.setPermissionCheckHandler(() => false)
}

/** Downloads never start: a receipt PDF or anything else would land on a public PC's disk. */
export function cancelDownloads(session: Session, log: KioskLog): void {
  session.on('will-download', (event, item) => {
    event.preventDefault()
    item.cancel()
    log.warn(`download refused: ${safeForLog(item.getURL())}`)
  })
}

/**
 * For every web contents the app ever creates: no `<webview>`, no new windows. Registered before
 * any window exists, so nothing slips through.
 */
export function refuseWebviewsAndPopups(app: App, log: KioskLog): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => {
      event.preventDefault()
      log.warn('refused to attach a <webview>')
    })
    contents.setWindowOpenHandler(({ url }) => {
      log.warn(`refused window.open to ${safeForLog(url)}`)
      return { action: 'deny' }
    })
  })
}

/** Origin and path only: query strings can carry references or patron data. */
export function safeForLog(raw: string): string {
  try {
    const url = new URL(raw)
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'app:') {
      return `${url.protocol}//${url.host}${url.pathname}`
    }
    return `${url.protocol} URL`
  } catch {
    return '(not a URL)'
  }
}

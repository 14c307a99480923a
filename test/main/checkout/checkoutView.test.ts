import type { BrowserWindow } from 'electron'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  CheckoutViewController,
  checkoutHeaderHeight,
  checkoutViewBounds,
  movedViewTop,
} from '../../../main/checkout/checkoutView.ts'
import type { CheckoutEvent } from '../../../common/kioskBridge.ts'
import * as electron from '../../fakes/electron.ts'
import { asElectron, recordingLog } from '../support/electronTypes.ts'

vi.mock('electron', () => import('../../fakes/electron.ts'))

const policy = {
  allowedOrigins: ['https://commerce.cashnet.com'],
  returnUrl: new URL('https://kiosk-service.library.example.edu/cashnet/return'),
}
const checkoutUrl = 'https://commerce.cashnet.com/cashnetg/static/epayment/library/checkout?ref=c1'
const wiped = ['clearData', 'clearCache', 'clearAuthCache']

function setup(options: { maxMinutes?: number } = {}) {
  const window = new electron.BrowserWindow({})
  const events: CheckoutEvent[] = []
  const log = recordingLog()
  const controller = new CheckoutViewController({
    window: asElectron<BrowserWindow>(window),
    policy,
    production: true,
    maxMinutes: options.maxMinutes ?? 20,
    emit: (event) => events.push(event),
    log,
  })
  const session = electron.session.fromPartition('checkout')
  return { window, events, log, controller, session }
}

async function openOne(controller: CheckoutViewController, checkoutId = 'c1') {
  await controller.open({ checkoutId, url: checkoutUrl })
  const view = electron.WebContentsView.created.at(-1)
  if (!view) throw new Error('no view')
  return view
}

beforeEach(() => {
  electron.resetFake()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('main/checkout/checkoutView', () => {
  it('opens the CashNet page below the header, sandboxed, in-memory, without preload', async () => {
    const { window, controller } = setup()
    const view = await openOne(controller)
    expect(view.options).toEqual({
      webPreferences: expect.objectContaining({
        partition: 'checkout',
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        devTools: false,
      }) as unknown,
    })
    const preferences = (view.options as { webPreferences: Record<string, unknown> }).webPreferences
    expect(preferences).not.toHaveProperty('preload')
    expect(String(preferences.partition)).not.toMatch(/^persist:/)
    expect(window.contentView.children).toEqual([view])
    expect(view.bounds).toEqual({ x: 0, y: checkoutHeaderHeight, width: 1280, height: 900 - 96 })
    expect(view.webContents.loadedUrls).toEqual([checkoutUrl])
    expect(controller.openCheckoutId).toBe('c1')

    window.fakeResize(1920, 1080)
    expect(view.bounds).toEqual({ x: 0, y: 96, width: 1920, height: 1080 - 96 })
  })

  it('refuses a checkout URL outside the CashNet origins', async () => {
    const { controller } = setup()
    await expect(
      controller.open({ checkoutId: 'c1', url: 'https://commerce.cashnet.com.attacker.example/x' }),
    ).rejects.toThrow('not on an allowed CashNet origin')
    expect(electron.WebContentsView.created).toHaveLength(0)
  })

  const endPaths: [
    string,
    (view: electron.WebContentsView, ctl: CheckoutViewController) => unknown,
    CheckoutEvent | null,
  ][] = [
    [
      'a return by GET link',
      (view) => view.webContents.fakeNavigate(`${policy.returnUrl.href}?result=0`),
      { type: 'returned', checkoutId: 'c1' },
    ],
    [
      'a return by redirect',
      (view) => view.webContents.fakeRedirect(policy.returnUrl.href),
      { type: 'returned', checkoutId: 'c1' },
    ],
    [
      'a return by POST',
      (view) =>
        electron.session.fromPartition('checkout').fakeBeforeRequest({
          webContentsId: view.webContents.id,
          url: policy.returnUrl.href,
          method: 'POST',
          resourceType: 'mainFrame',
          uploadData: [{ bytes: Buffer.from('result=0&ref=c1') }],
        }),
      { type: 'returned', checkoutId: 'c1' },
    ],
    [
      'a navigation away from CashNet',
      (view) => view.webContents.fakeNavigate('https://commerce.cashnet.com.attacker.example/'),
      { type: 'failed', checkoutId: 'c1', reason: 'left the allowed CashNet origins' },
    ],
    [
      'a load failure',
      (view) => {
        view.webContents.fakeDidFailLoad(-105, 'ERR_NAME_NOT_RESOLVED', checkoutUrl)
      },
      { type: 'failed', checkoutId: 'c1', reason: 'load failed: ERR_NAME_NOT_RESOLVED (-105)' },
    ],
    [
      'a crash of the CashNet page',
      (view) => {
        view.webContents.fakeRenderProcessGone('crashed')
      },
      { type: 'failed', checkoutId: 'c1', reason: 'page process gone: crashed' },
    ],
    [
      'the page closing itself',
      (view) => {
        view.webContents.close()
      },
      { type: 'closed', checkoutId: 'c1' },
    ],
    ['a cancel from the renderer', (_view, ctl) => ctl.end({ type: 'requested' }), null],
  ]

  it.each(endPaths)(
    'after %s: tells the renderer, destroys the view and wipes the partition',
    async (_label, end, expected) => {
      const { window, events, controller, session } = setup()
      const view = await openOne(controller)
      await end(view, controller)
      await vi.waitFor(() => {
        expect(session.calls).toEqual(wiped)
      })
      expect(events).toEqual(expected ? [expected] : [])
      expect(window.contentView.children).toEqual([])
      expect(view.webContents.isDestroyed()).toBe(true)
      expect(controller.openCheckoutId).toBeNull()
    },
  )

  it('stops the navigation it recognises as the return', async () => {
    const { controller } = setup()
    const view = await openOne(controller)
    const event = view.webContents.fakeNavigate(policy.returnUrl.href)
    expect(event.defaultPrevented).toBe(true)
  })

  it('ends on timeout after the configured minutes', async () => {
    vi.useFakeTimers()
    const { events, controller, session } = setup({ maxMinutes: 2 })
    await openOne(controller)
    await vi.advanceTimersByTimeAsync(2 * 60_000 - 1)
    expect(events).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(events).toEqual([{ type: 'failed', checkoutId: 'c1', reason: 'timeout' }])
    expect(session.calls).toEqual(wiped)
  })

  it('closes and wipes the previous checkout before opening the next', async () => {
    const { events, controller, session, window } = setup()
    const first = await openOne(controller, 'c1')
    const second = await openOne(controller, 'c2')
    expect(events).toEqual([{ type: 'closed', checkoutId: 'c1' }])
    expect(first.webContents.isDestroyed()).toBe(true)
    expect(session.calls).toEqual(wiped)
    expect(window.contentView.children).toEqual([second])
    expect(controller.openCheckoutId).toBe('c2')
  })

  it('retries a failed wipe before the next checkout opens', async () => {
    const { controller, session, log } = setup()
    session.failNext.add('clearCache')
    await openOne(controller, 'c1')
    await controller.end({ type: 'requested' })
    expect(log.lines.some((line) => line.includes('wipe failed: clearCache'))).toBe(true)
    await openOne(controller, 'c2')
    expect(session.calls).toEqual([...wiped, ...wiped])
  })

  it('ignores events from a view that already ended', async () => {
    const { events, controller } = setup()
    const view = await openOne(controller)
    view.webContents.fakeNavigate(policy.returnUrl.href)
    view.webContents.fakeDidFailLoad(-20, 'ERR_BLOCKED_BY_CLIENT', policy.returnUrl.href)
    view.webContents.fakeRenderProcessGone('killed')
    await vi.waitFor(() => {
      expect(controller.openCheckoutId).toBeNull()
    })
    expect(events).toEqual([{ type: 'returned', checkoutId: 'c1' }])
  })

  it('denies popups, downloads and permissions, and filters keys in the CashNet page', async () => {
    const { controller, session } = setup()
    const view = await openOne(controller)
    expect(view.webContents.fakeWindowOpen('https://commerce.cashnet.com/receipt')).toEqual({
      action: 'deny',
    })
    const { event, item } = session.fakeDownload('https://commerce.cashnet.com/receipt.pdf')
    expect(event.defaultPrevented).toBe(true)
    expect(item.cancelled).toBe(true)
    expect(await session.fakePermissionRequest('media')).toBe(false)
    expect(
      session.permissionCheckHandler?.(null, 'clipboard-read', 'https://commerce.cashnet.com', {}),
    ).toBe(false)
    expect(view.webContents.fakeInput({ key: 'F5' }).defaultPrevented).toBe(true)
    expect(view.webContents.fakeInput({ key: '4' }).defaultPrevented).toBe(false)
    // Pinch zoom stays at Electron's default (off): nothing turned it on for the loaded page.
    expect(view.webContents.zoomLimits).toBeNull()
  })

  it('cancels every request in the partition while no checkout is open', async () => {
    const { controller, session } = setup()
    const view = await openOne(controller)
    expect(
      await session.fakeBeforeRequest({
        webContentsId: view.webContents.id,
        url: 'https://commerce.cashnet.com/app.js',
        method: 'GET',
        resourceType: 'script',
      }),
    ).toEqual({})
    await controller.end({ type: 'requested' })
    expect(
      await session.fakeBeforeRequest({
        webContentsId: view.webContents.id,
        url: 'https://commerce.cashnet.com/app.js',
        method: 'GET',
        resourceType: 'script',
      }),
    ).toEqual({ cancel: true })
  })

  it("lets the CashNet page's workers through (no webContentsId) only by the origin policy", async () => {
    const { controller, session } = setup()
    const worker = (url: string) =>
      session.fakeBeforeRequest({ url, method: 'GET', resourceType: 'xhr' })
    expect(await worker('https://commerce.cashnet.com/sw-fetch')).toEqual({ cancel: true })
    await openOne(controller)
    expect(await worker('https://commerce.cashnet.com/sw-fetch')).toEqual({})
    expect(await worker('https://acs.issuer.example/3ds/method')).toEqual({})
    expect(await worker('http://tracker.example/beacon')).toEqual({ cancel: true })
    expect(await worker('https://user:pw@acs.issuer.example/')).toEqual({ cancel: true })
    // Another web contents in the partition is still refused.
    expect(
      await session.fakeBeforeRequest({
        webContentsId: 9_999,
        url: 'https://commerce.cashnet.com/app.js',
        method: 'GET',
        resourceType: 'script',
      }),
    ).toEqual({ cancel: true })
    expect(controller.openCheckoutId).toBe('c1')
  })

  it('places the view where the renderer says its slot starts, also after a resize', async () => {
    const { controller, window } = setup()
    await controller.open({ checkoutId: 'c1', url: checkoutUrl, viewTop: 140 })
    const view = electron.WebContentsView.created.at(-1)
    expect(view?.bounds).toMatchObject({ x: 0, y: 140 })
    window.emit('resize')
    expect(view?.bounds).toMatchObject({ x: 0, y: 140 })
    await controller.open({ checkoutId: 'c2', url: checkoutUrl })
    expect(electron.WebContentsView.created.at(-1)?.bounds).toMatchObject({ y: 96 })
  })

  it('follows the renderer’s slot when the window is resized and the bar changes height', async () => {
    const { controller, window } = setup()
    await controller.open({ checkoutId: 'c1', url: checkoutUrl, viewTop: 140 })
    const view = electron.WebContentsView.created.at(-1)
    if (!view) throw new Error('no view')
    // Turned to portrait: the new size at once, at the old top until the renderer reports.
    window.fakeResize(1080, 1920)
    expect(view.getBounds()).toEqual({ x: 0, y: 140, width: 1080, height: 1780 })
    // The bar wrapped to two lines on the narrower display.
    controller.move({ checkoutId: 'c1', viewTop: 188 })
    expect(view.getBounds()).toEqual({ x: 0, y: 188, width: 1080, height: 1732 })
    // Later resizes keep the reported top.
    window.fakeResize(1366, 768)
    expect(view.getBounds()).toEqual({ x: 0, y: 188, width: 1366, height: 580 })
    // A late report for another checkout moves nothing.
    controller.move({ checkoutId: 'c0', viewTop: 96 })
    expect(view.getBounds()).toMatchObject({ y: 188 })
    await controller.end({ type: 'requested' })
    controller.move({ checkoutId: 'c1', viewTop: 96 })
    expect(view.getBounds()).toMatchObject({ y: 188 })
  })

  it('moves only the open checkout, and only when its top changes', () => {
    const open = { checkoutId: 'c1', top: 140 }
    expect(movedViewTop(open, { checkoutId: 'c1', viewTop: 188 })).toBe(188)
    expect(movedViewTop(open, { checkoutId: 'c1', viewTop: 140 })).toBeNull()
    expect(movedViewTop(open, { checkoutId: 'c2', viewTop: 188 })).toBeNull()
    expect(movedViewTop(null, { checkoutId: 'c1', viewTop: 188 })).toBeNull()
  })

  it('sets bounds as Electron takes them: whole pixels, or a TypeError', () => {
    const view = new electron.WebContentsView()
    expect(() => {
      view.setBounds({ x: 0, y: 137.5, width: 800, height: 600 })
    }).toThrow(TypeError)
    expect(view.bounds).toBeNull()
    view.setBounds(checkoutViewBounds([1366, 768], 188))
    expect(view.getBounds()).toEqual({ x: 0, y: 188, width: 1366, height: 580 })
  })

  it('computes bounds that never go negative', () => {
    expect(checkoutViewBounds([800, 50])).toEqual({ x: 0, y: 96, width: 800, height: 0 })
  })
})

import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CheckoutEvent, KioskBridge } from '../../../common/kioskBridge.ts'
import {
  checkoutSlotId,
  createBrowserHost,
  isCheckoutReturn,
} from '../../../renderer/src/host/browserHost.ts'
import { placeCheckoutInSlot, resolveKioskHost } from '../../../renderer/src/host/kioskHost.ts'

function addSlot(): HTMLElement {
  const slot = document.createElement('div')
  slot.id = checkoutSlotId
  document.body.append(slot)
  return slot
}

afterEach(() => {
  document.body.innerHTML = ''
  delete window.kiosk
})

const args = { checkoutId: 'c_1', url: 'http://127.0.0.1:4799/checkout/c_1' }

describe('renderer/host/browserHost', () => {
  it('opens the CashNet page in a sandboxed iframe inside the checkout slot', async () => {
    const slot = addSlot()
    const host = createBrowserHost(window)
    await host.openCheckout(args)
    const frame = slot.querySelector('iframe')
    expect(frame?.src).toBe(args.url)
    expect(frame?.getAttribute('sandbox')).toBe('allow-forms allow-scripts allow-same-origin')
    expect(frame?.getAttribute('referrerpolicy')).toBe('no-referrer')
  })

  it('waits for the checkout slot rendered a moment later', async () => {
    const host = createBrowserHost(window)
    await host.openCheckout(args)
    expect(document.querySelectorAll('iframe')).toHaveLength(0)
    const slot = addSlot()
    await vi.waitFor(() => {
      expect(slot.querySelector('iframe')?.src).toBe(args.url)
    })
  })

  it('keeps one checkout page at a time and removes it on close', async () => {
    addSlot()
    const host = createBrowserHost(window)
    await host.openCheckout(args)
    await host.openCheckout({ ...args, checkoutId: 'c_2' })
    expect(document.querySelectorAll('iframe')).toHaveLength(1)
    await host.closeCheckout()
    expect(document.querySelectorAll('iframe')).toHaveLength(0)
  })

  it('refuses checkout URLs that are not http(s)', async () => {
    const host = createBrowserHost(window)
    await expect(
      host.openCheckout({ checkoutId: 'c_1', url: 'javascript:alert(1)' }),
    ).rejects.toThrow()
    expect(document.querySelectorAll('iframe')).toHaveLength(0)
  })

  it('does not report a return while the page is elsewhere', async () => {
    addSlot()
    const host = createBrowserHost(window)
    const events: CheckoutEvent[] = []
    host.onCheckoutEvent((event) => events.push(event))
    await host.openCheckout(args)
    document.querySelector('iframe')?.dispatchEvent(new Event('load'))
    expect(events).toEqual([])
  })

  it('ends the patron session: frames, web storage and cookies are wiped', async () => {
    addSlot()
    const host = createBrowserHost(window)
    await host.openCheckout(args)
    document.body.append(document.createElement('iframe'))
    sessionStorage.setItem('a', '1')
    localStorage.setItem('b', '2')
    document.cookie = 'patron=jane; path=/'
    await host.endPatronSession()
    expect(document.querySelectorAll('iframe')).toHaveLength(0)
    expect([sessionStorage.length, localStorage.length]).toEqual([0, 0])
    expect(document.cookie).toBe('')
  })

  it('says it is the browser host, and unsubscribes listeners', async () => {
    const host = createBrowserHost(window)
    expect((await host.getKioskInfo()).mode).toBe('browser')
    const unsubscribe = host.onCheckoutEvent(() => undefined)
    expect(typeof unsubscribe).toBe('function')
    unsubscribe()
  })

  it('recognises only the same-origin return page', () => {
    const origin = 'http://127.0.0.1:4780'
    expect(isCheckoutReturn(`${origin}/cashnet/return?result=0`, origin, '/cashnet/return')).toBe(
      true,
    )
    expect(
      isCheckoutReturn('http://127.0.0.1:5000/cashnet/return', origin, '/cashnet/return'),
    ).toBe(false)
    expect(isCheckoutReturn(`${origin}/cashnet/returned`, origin, '/cashnet/return')).toBe(false)
    expect(isCheckoutReturn('about:blank', origin, '/cashnet/return')).toBe(false)
  })
})

describe('renderer/host/kioskHost', () => {
  it('tells an Electron bridge where the checkout slot starts', async () => {
    const opened: unknown[] = []
    const bridge = {
      openCheckout: (args: unknown) => {
        opened.push(args)
        return Promise.resolve()
      },
    } as unknown as KioskBridge
    const slot = document.createElement('div')
    slot.id = checkoutSlotId
    slot.getBoundingClientRect = () => ({ top: 137.6 }) as DOMRect
    document.body.append(slot)
    try {
      const placed = placeCheckoutInSlot(bridge, window)
      await placed.openCheckout({ checkoutId: 'c1', url: 'https://commerce.cashnet.com/S' })
      expect(opened).toEqual([
        { checkoutId: 'c1', url: 'https://commerce.cashnet.com/S', viewTop: 138 },
      ])
    } finally {
      slot.remove()
    }
  })

  it('uses the preload bridge when present and installs the browser host otherwise', async () => {
    const installed = resolveKioskHost(window)
    expect(window.kiosk).toBe(installed)
    expect((await installed.getKioskInfo()).mode).toBe('browser')
    expect(resolveKioskHost(window)).toBe(installed)
  })
})

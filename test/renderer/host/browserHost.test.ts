import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CheckoutEvent, KioskBridge, MoveCheckoutArgs } from '../../../common/kioskBridge.ts'
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

/**
 * jsdom has no layout, so no ResizeObserver: a stand-in that records what is watched and lets the
 * test deliver a round of observations.
 */
function installResizeObservers() {
  const live = new Set<{ callback: () => void; targets: Element[] }>()
  class StandInResizeObserver {
    private readonly entry: { callback: () => void; targets: Element[] }
    constructor(callback: () => void) {
      this.entry = { callback, targets: [] }
    }
    observe(target: Element) {
      this.entry.targets.push(target)
      live.add(this.entry)
    }
    unobserve() {
      throw new Error('not used')
    }
    disconnect() {
      live.delete(this.entry)
    }
  }
  Object.assign(window, { ResizeObserver: StandInResizeObserver })
  return {
    watched: () => [...live].flatMap((entry) => entry.targets),
    fire: () => {
      for (const entry of [...live]) entry.callback()
    },
    uninstall: () => {
      Reflect.deleteProperty(window, 'ResizeObserver')
    },
  }
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

  it('tells the bridge each new top of the slot while the checkout is open, then stops', async () => {
    const calls: string[] = []
    const moved: MoveCheckoutArgs[] = []
    const bridge = {
      openCheckout: () => Promise.resolve(),
      moveCheckout: (args: MoveCheckoutArgs) => {
        moved.push(args)
        return Promise.resolve()
      },
      closeCheckout: () => {
        calls.push('close')
        return Promise.resolve()
      },
      endPatronSession: () => Promise.resolve(),
    } as unknown as KioskBridge
    const observers = installResizeObservers()
    const header = document.createElement('header')
    header.className = 'kiosk-header'
    const bar = document.createElement('div')
    bar.className = 'checkout-bar'
    document.body.append(header, bar)
    const slot = addSlot()
    let top = 140
    slot.getBoundingClientRect = () => ({ top }) as DOMRect
    try {
      const placed = placeCheckoutInSlot(bridge, window)
      await placed.openCheckout({ checkoutId: 'c1', url: 'https://commerce.cashnet.com/S' })
      expect(observers.watched()).toEqual([slot, header, bar])
      // Observers report at once: nothing moved yet, nothing sent.
      observers.fire()
      expect(moved).toEqual([])
      // The bar grew (larger text, a rotated display): the new top, once.
      top = 187.6
      observers.fire()
      observers.fire()
      expect(moved).toEqual([{ checkoutId: 'c1', viewTop: 188 }])
      // A window resize that moves the slot is seen too.
      top = 120
      window.dispatchEvent(new Event('resize'))
      expect(moved.at(-1)).toEqual({ checkoutId: 'c1', viewTop: 120 })

      await placed.closeCheckout()
      expect(calls).toEqual(['close'])
      expect(observers.watched()).toEqual([])
      top = 300
      observers.fire()
      window.dispatchEvent(new Event('resize'))
      expect(moved).toHaveLength(2)

      // A slot that leaves the page (the checkout screen is gone) is no longer followed.
      top = 140
      await placed.openCheckout({ checkoutId: 'c2', url: 'https://commerce.cashnet.com/S' })
      slot.remove()
      top = 200
      window.dispatchEvent(new Event('resize'))
      expect(observers.watched()).toEqual([])
      expect(moved).toHaveLength(2)
    } finally {
      observers.uninstall()
    }
  })

  it('uses the preload bridge when present and installs the browser host otherwise', async () => {
    const installed = resolveKioskHost(window)
    expect(window.kiosk).toBe(installed)
    expect((await installed.getKioskInfo()).mode).toBe('browser')
    expect(resolveKioskHost(window)).toBe(installed)
  })
})

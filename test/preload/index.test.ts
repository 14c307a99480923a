import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  BridgeCallFailed,
  bridgeChannels,
  type BridgeReply,
  type CheckoutEvent,
  type KioskBridge,
} from '../../common/kioskBridge.ts'
import * as electron from '../fakes/electron.ts'

vi.mock('electron', () => import('../fakes/electron.ts'))

let kiosk: KioskBridge

const ok = (value: unknown): BridgeReply => ({ ok: true, value })

beforeAll(async () => {
  electron.resetFake()
  await import('../../preload/index.ts')
  kiosk = electron.contextBridge.exposed.get('kiosk') as KioskBridge
})

describe('preload/index', () => {
  it('exposes exactly the window.kiosk contract, as plain functions', () => {
    expect([...electron.contextBridge.exposed.keys()]).toEqual(['kiosk'])
    expect(Object.keys(kiosk).sort()).toEqual([
      'closeCheckout',
      'endPatronSession',
      'getKioskInfo',
      'heartbeat',
      'moveCheckout',
      'onCheckoutEvent',
      'openCheckout',
      'printReceipt',
    ])
    for (const value of Object.values(kiosk)) expect(typeof value).toBe('function')
    expect(Object.isFrozen(kiosk)).toBe(true)
    expect(Object.values(kiosk)).not.toContain(electron.ipcRenderer)
  })

  it('sends openCheckout to main only with valid arguments', async () => {
    electron.ipcRenderer.invocations.length = 0
    electron.ipcRenderer.invokeResults.set(bridgeChannels.openCheckout, ok(undefined))
    const args = { checkoutId: 'c1', url: 'https://commerce.cashnet.com/checkout' }
    await kiosk.openCheckout(args)
    expect(electron.ipcRenderer.invocations).toEqual([
      { channel: bridgeChannels.openCheckout, args: [args] },
    ])
    await expect(
      kiosk.openCheckout({ checkoutId: 'c1', url: 'javascript:alert(1)' }),
    ).rejects.toThrow()
    expect(electron.ipcRenderer.invocations).toHaveLength(1)
  })

  it('sends moveCheckout to main only with a whole-pixel top', async () => {
    electron.ipcRenderer.invocations.length = 0
    electron.ipcRenderer.invokeResults.set(bridgeChannels.moveCheckout, ok(undefined))
    await kiosk.moveCheckout({ checkoutId: 'c1', viewTop: 188 })
    expect(electron.ipcRenderer.invocations).toEqual([
      { channel: bridgeChannels.moveCheckout, args: [{ checkoutId: 'c1', viewTop: 188 }] },
    ])
    await expect(kiosk.moveCheckout({ checkoutId: 'c1', viewTop: 187.5 })).rejects.toThrow()
    expect(electron.ipcRenderer.invocations).toHaveLength(1)
  })

  it('forwards the other calls on their channels', async () => {
    electron.ipcRenderer.invocations.length = 0
    electron.ipcRenderer.invokeResults.set(
      bridgeChannels.getKioskInfo,
      ok({ kioskId: 'k1', version: '1.0.0', mode: 'production', receiptPrinter: false }),
    )
    electron.ipcRenderer.invokeResults.set(bridgeChannels.closeCheckout, ok(undefined))
    electron.ipcRenderer.invokeResults.set(bridgeChannels.endPatronSession, ok(undefined))
    await kiosk.closeCheckout()
    await kiosk.endPatronSession()
    expect(await kiosk.getKioskInfo()).toEqual({
      kioskId: 'k1',
      version: '1.0.0',
      mode: 'production',
      receiptPrinter: false,
    })
    kiosk.heartbeat()
    expect(electron.ipcRenderer.invocations.map((call) => call.channel)).toEqual([
      bridgeChannels.closeCheckout,
      bridgeChannels.endPatronSession,
      bridgeChannels.getKioskInfo,
    ])
    expect(electron.ipcRenderer.sent.at(-1)).toEqual({
      channel: bridgeChannels.heartbeat,
      args: [],
    })
  })

  it('hands checkout events over as validated data, never the IPC event', () => {
    const received: unknown[][] = []
    const unsubscribe = kiosk.onCheckoutEvent((...args: unknown[]) => {
      received.push(args)
    })
    const ipcEvent = { sender: electron.ipcRenderer, ports: [] }
    const returned: CheckoutEvent = { type: 'returned', checkoutId: 'c1' }
    electron.ipcRenderer.emit(bridgeChannels.checkoutEvent, ipcEvent, returned)
    electron.ipcRenderer.emit(bridgeChannels.checkoutEvent, ipcEvent, { type: 'hacked' })
    electron.ipcRenderer.emit(bridgeChannels.checkoutEvent, ipcEvent, {
      type: 'failed',
      checkoutId: 'c1',
      reason: 'timeout',
    })
    unsubscribe()
    electron.ipcRenderer.emit(bridgeChannels.checkoutEvent, ipcEvent, returned)
    expect(received).toEqual([
      [returned],
      [{ type: 'failed', checkoutId: 'c1', reason: 'timeout' }],
    ])
    expect(electron.ipcRenderer.listenerCount(bridgeChannels.checkoutEvent)).toBe(0)
  })

  it('rejects kiosk info that does not match the contract', async () => {
    electron.ipcRenderer.invokeResults.set(bridgeChannels.getKioskInfo, ok({ kioskId: 1 }))
    await expect(kiosk.getKioskInfo()).rejects.toThrow()
  })

  it("turns main's typed failure into an error that keeps its kind", async () => {
    const refused: BridgeReply = {
      ok: false,
      error: { kind: 'refused', message: 'The checkout URL is not on an allowed CashNet origin.' },
    }
    electron.ipcRenderer.invokeResults.set(bridgeChannels.openCheckout, refused)
    const error: unknown = await kiosk
      .openCheckout({ checkoutId: 'c1', url: 'https://elsewhere.example/' })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(BridgeCallFailed)
    expect(error).toMatchObject({ kind: 'refused' })
    // Across contextBridge only the message survives: it starts with the kind.
    expect((error as Error).message).toMatch(/^refused: /)
  })
})

import type { IpcMain } from 'electron'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { BridgeRefusal, registerBridgeHandlers } from '../../../main/bridge/bridgeHandlers.ts'
import {
  bridgeChannels,
  type MoveCheckoutArgs,
  type OpenCheckoutArgs,
} from '../../../common/kioskBridge.ts'
import * as electron from '../../fakes/electron.ts'
import { asElectron, recordingLog } from '../support/electronTypes.ts'

vi.mock('electron', () => import('../../fakes/electron.ts'))

const info = {
  kioskId: 'k1',
  version: '1.2.3',
  mode: 'production' as const,
  receiptPrinter: false,
}

function setup() {
  const kiosk = new electron.FakeWebContents()
  const calls: string[] = []
  const opened: OpenCheckoutArgs[] = []
  const moved: MoveCheckoutArgs[] = []
  const log = recordingLog()
  const unregister = registerBridgeHandlers(asElectron<IpcMain>(electron.ipcMain), {
    kioskContentsId: () => kiosk.id,
    openCheckout: (args) => {
      opened.push(args)
      return Promise.resolve()
    },
    moveCheckout: (args) => {
      moved.push(args)
    },
    closeCheckout: () => {
      calls.push('close')
      return Promise.resolve()
    },
    endPatronSession: () => {
      calls.push('end')
      return Promise.resolve()
    },
    kioskInfo: () => info,
    printReceipt: () => Promise.resolve({ printed: true as const }),
    heartbeat: () => calls.push('heartbeat'),
    log,
  })
  const trusted = electron.fakeIpcEvent(kiosk, 'app://kiosk/index.html')
  return { kiosk, calls, opened, moved, log, unregister, trusted }
}

const goodArgs = { checkoutId: 'c1', url: 'https://commerce.cashnet.com/checkout?ref=c1' }

beforeEach(() => {
  electron.resetFake()
})

describe('main/bridge/bridgeHandlers', () => {
  it('runs each call from the kiosk page with validated arguments', async () => {
    const { calls, opened, moved, trusted } = setup()
    await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, trusted, goodArgs)
    expect(
      await electron.ipcMain.fakeInvoke(bridgeChannels.moveCheckout, trusted, {
        checkoutId: 'c1',
        viewTop: 150,
      }),
    ).toEqual({ ok: true, value: undefined })
    expect(moved).toEqual([{ checkoutId: 'c1', viewTop: 150 }])
    await electron.ipcMain.fakeInvoke(bridgeChannels.closeCheckout, trusted)
    await electron.ipcMain.fakeInvoke(bridgeChannels.endPatronSession, trusted)
    expect(await electron.ipcMain.fakeInvoke(bridgeChannels.getKioskInfo, trusted)).toEqual({
      ok: true,
      value: info,
    })
    electron.ipcMain.emit(bridgeChannels.heartbeat, trusted)
    expect(opened).toEqual([goodArgs])
    expect(calls).toEqual(['close', 'end', 'heartbeat'])
  })

  it('refuses calls from any frame but the kiosk page', async () => {
    const { kiosk, calls, opened, moved, log } = setup()
    const checkoutView = new electron.FakeWebContents()
    const untrusted = [
      electron.fakeIpcEvent(kiosk, null),
      electron.fakeIpcEvent(kiosk, 'https://commerce.cashnet.com/'),
      electron.fakeIpcEvent(
        kiosk,
        'app://kiosk/index.html',
        new electron.FakeWebFrameMain('app://kiosk/index.html'),
      ),
      electron.fakeIpcEvent(checkoutView, 'app://kiosk/index.html'),
      electron.fakeIpcEvent(kiosk, 'file:///C:/kiosk/index.html'),
    ]
    for (const event of untrusted) {
      expect(
        await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, event, goodArgs),
      ).toMatchObject({ ok: false, error: { kind: 'untrusted_sender' } })
      expect(
        await electron.ipcMain.fakeInvoke(bridgeChannels.moveCheckout, event, {
          checkoutId: 'c1',
          viewTop: 0,
        }),
      ).toMatchObject({ ok: false, error: { kind: 'untrusted_sender' } })
      expect(await electron.ipcMain.fakeInvoke(bridgeChannels.getKioskInfo, event)).toEqual({
        ok: false,
        error: { kind: 'untrusted_sender', message: 'Refused: not the kiosk page.' },
      })
      electron.ipcMain.emit(bridgeChannels.heartbeat, event)
    }
    expect(opened).toEqual([])
    expect(moved).toEqual([])
    expect(calls).toEqual([])
    expect(log.lines.filter((line) => line.includes('untrusted frame'))).toHaveLength(15)
  })

  it('refuses arguments that do not match the contract', async () => {
    const { opened, moved, calls, trusted } = setup()
    for (const args of [
      [],
      [{ checkoutId: 'c1' }],
      [{ checkoutId: '', url: goodArgs.url }],
      [{ checkoutId: 'c1', url: 'javascript:alert(1)' }],
      [{ checkoutId: 'c1', url: 'file:///etc/passwd' }],
      [goodArgs, 'extra'],
      ['https://commerce.cashnet.com/'],
    ]) {
      expect(
        await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, trusted, ...args),
      ).toMatchObject({ ok: false, error: { kind: 'invalid_arguments' } })
    }
    for (const args of [
      [],
      [{ checkoutId: 'c1' }],
      [{ checkoutId: 'c1', viewTop: 137.5 }],
      [{ checkoutId: 'c1', viewTop: -1 }],
      [{ checkoutId: 'c1', viewTop: 1e9 }],
      [{ checkoutId: '', viewTop: 100 }],
      [{ checkoutId: 'c1', viewTop: '100' }],
      [{ checkoutId: 'c1', viewTop: 100 }, 'extra'],
    ]) {
      expect(
        await electron.ipcMain.fakeInvoke(bridgeChannels.moveCheckout, trusted, ...args),
      ).toMatchObject({ ok: false, error: { kind: 'invalid_arguments' } })
    }
    expect(
      await electron.ipcMain.fakeInvoke(bridgeChannels.closeCheckout, trusted, 'surprise'),
    ).toMatchObject({ ok: false, error: { kind: 'invalid_arguments' } })
    expect(opened).toEqual([])
    expect(moved).toEqual([])
    expect(calls).toEqual([])
  })

  it('answers a failing call with a typed result, since Electron would pass on only a message', async () => {
    const kiosk = new electron.FakeWebContents()
    registerBridgeHandlers(asElectron<IpcMain>(electron.ipcMain), {
      kioskContentsId: () => kiosk.id,
      openCheckout: () =>
        Promise.reject(new BridgeRefusal('refused', 'not an allowed CashNet origin')),
      moveCheckout: () => undefined,
      closeCheckout: () => Promise.reject(new Error('view already gone')),
      endPatronSession: () => Promise.resolve(),
      kioskInfo: () => info,
      printReceipt: () => Promise.resolve({ printed: true as const }),
      heartbeat: () => undefined,
      log: recordingLog(),
    })
    const trusted = electron.fakeIpcEvent(kiosk, 'app://kiosk/index.html')
    expect(
      await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, trusted, goodArgs),
    ).toEqual({ ok: false, error: { kind: 'refused', message: 'not an allowed CashNet origin' } })
    expect(await electron.ipcMain.fakeInvoke(bridgeChannels.closeCheckout, trusted)).toEqual({
      ok: false,
      error: { kind: 'failed', message: 'view already gone' },
    })
  })

  it('removes its handlers again', async () => {
    const { unregister, trusted, calls } = setup()
    unregister()
    expect(electron.ipcMain.handlers.size).toBe(0)
    electron.ipcMain.emit(bridgeChannels.heartbeat, trusted)
    expect(calls).toEqual([])
    await expect(electron.ipcMain.fakeInvoke(bridgeChannels.getKioskInfo, trusted)).rejects.toThrow(
      'No handler registered',
    )
  })
})

import type { BrowserWindow } from 'electron'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ReceiptPrinter, printTimeoutMs } from '../../../main/printing/receiptPrinter.ts'
import { receiptWindowOptions } from '../../../main/windowOptions.ts'
import * as electron from '../../fakes/electron.ts'
import { asElectron, recordingLog } from '../support/electronTypes.ts'
import { ManualTimers } from '../support/manualTimers.ts'
import { sampleReceipt } from '../support/receiptFixture.ts'

vi.mock('electron', () => import('../../fakes/electron.ts'))

function setup(printer: { deviceName: string; paperWidthMm: 58 | 80 } | null) {
  const timers = new ManualTimers()
  const log = recordingLog()
  const receiptPrinter = new ReceiptPrinter({
    printer,
    createWindow: () =>
      asElectron<BrowserWindow>(new electron.BrowserWindow(receiptWindowOptions())),
    timers,
    log,
  })
  return { receiptPrinter, timers, log }
}

function printedDocument(window: electron.BrowserWindow | undefined): string {
  const url = window?.webContents.printJobs[0]?.url ?? ''
  return decodeURIComponent(url.replace(/^data:text\/html;charset=utf-8,/, ''))
}

beforeEach(() => {
  electron.resetFake()
})

describe('main/printing/receiptPrinter', () => {
  it('prints silently on the configured printer from a hidden, script-less window', async () => {
    const { receiptPrinter, log } = setup({ deviceName: 'Receipt Printer', paperWidthMm: 80 })
    expect(await receiptPrinter.print(sampleReceipt)).toEqual({ printed: true })
    const window = electron.BrowserWindow.created[0]
    expect(window?.options).toMatchObject({
      show: false,
      webPreferences: { javascript: false, sandbox: true, partition: 'receipt' },
    })
    expect(window?.shown).toBe(false)
    expect(window?.webContents.printJobs[0]?.options).toMatchObject({
      silent: true,
      deviceName: 'Receipt Printer',
    })
    const html = printedDocument(window)
    expect(html).toContain('Pollak Library')
    expect(html).toContain('TX-884211')
    expect(html).toContain('$12.50')
    // First name and last initial only, on paper too.
    expect(html).toContain('María N.')
    expect(html).not.toContain('Núñez')
    expect(html).not.toContain('José')
    expect(window?.isDestroyed()).toBe(true)
    expect(log.lines.join('\n')).not.toContain('María')
  })

  it("passes Electron's failure reason on as a result, never an exception", async () => {
    const { receiptPrinter } = setup({ deviceName: 'Receipt Printer', paperWidthMm: 58 })
    electron.fakePrinters.answer = { success: false, failureReason: 'Print job failed' }
    expect(await receiptPrinter.print(sampleReceipt)).toEqual({
      printed: false,
      kind: 'print_failed',
      message: 'Print job failed',
    })
    expect(electron.BrowserWindow.created[0]?.isDestroyed()).toBe(true)
  })

  it('reports a printer name the OS does not know as Electron does', async () => {
    const { receiptPrinter, log } = setup({ deviceName: 'EPSON TM-T88 (typo)', paperWidthMm: 80 })
    expect(await receiptPrinter.print(sampleReceipt)).toEqual({
      printed: false,
      kind: 'print_failed',
      message: 'Invalid deviceName provided',
    })
    expect(log.lines.join('\n')).toContain('receipt not printed on "EPSON TM-T88 (typo)"')
  })

  it('gives up on a printer that never answers', async () => {
    const { receiptPrinter, timers } = setup({ deviceName: 'Receipt Printer', paperWidthMm: 80 })
    electron.fakePrinters.answer = 'never'
    const pending = receiptPrinter.print(sampleReceipt)
    await vi.waitFor(() => {
      expect(electron.BrowserWindow.created[0]?.webContents.printJobs).toHaveLength(1)
    })
    timers.advance(printTimeoutMs)
    expect(await pending).toMatchObject({ printed: false, kind: 'print_failed' })
    expect(electron.BrowserWindow.created[0]?.isDestroyed()).toBe(true)
  })

  it('answers no_printer without opening a window when none is configured', async () => {
    const { receiptPrinter } = setup(null)
    expect(receiptPrinter.configured).toBe(false)
    expect(await receiptPrinter.print(sampleReceipt)).toMatchObject({
      printed: false,
      kind: 'no_printer',
    })
    expect(electron.BrowserWindow.created).toHaveLength(0)
  })

  it('prints one receipt at a time', async () => {
    const { receiptPrinter } = setup({ deviceName: 'Receipt Printer', paperWidthMm: 80 })
    const both = await Promise.all([
      receiptPrinter.print(sampleReceipt),
      receiptPrinter.print({ ...sampleReceipt, reference: 'EX-42' }),
    ])
    expect(both).toEqual([{ printed: true }, { printed: true }])
    expect(printedDocument(electron.BrowserWindow.created[1])).toContain('EX-42')
  })
})

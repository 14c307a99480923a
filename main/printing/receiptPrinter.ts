/**
 * Silent receipt printing: the receipt document in a hidden, script-less window, sent to the
 * configured printer with `webContents.print({ silent: true, deviceName })`. A printer problem is a
 * result, never an exception: the patron's screen says so and shows the reference instead.
 */
import type { BrowserWindow, WebContentsPrintOptions } from 'electron'
import type { PrintReceiptArgs, PrintReceiptResult } from '../../common/kioskBridge.ts'
import type { ReceiptPrinterConfig } from '../config/machineConfig.ts'
import type { Timers } from '../health/watchdog.ts'
import type { KioskLog } from '../logging.ts'
import { renderReceiptDocument } from './receiptDocument.ts'

/** A print that has not called back by then has failed (a printer that went offline mid-job). */
export const printTimeoutMs = 30_000

function receiptPrintOptions(printer: ReceiptPrinterConfig): WebContentsPrintOptions {
  return {
    silent: true,
    deviceName: printer.deviceName,
    printBackground: false,
    color: false,
    margins: { marginType: 'none' },
    copies: 1,
  }
}

/** Electron's print callback, `(success, failureReason)`, as the bridge's result. */
function printOutcome(success: boolean, failureReason: string): PrintReceiptResult {
  if (success) return { printed: true }
  return {
    printed: false,
    kind: 'print_failed',
    message: failureReason.trim() || 'The printer did not accept the receipt.',
  }
}

const noPrinterResult: PrintReceiptResult = {
  printed: false,
  kind: 'no_printer',
  message: 'No receipt printer is configured on this kiosk.',
}

export interface ReceiptPrinterDeps {
  printer: ReceiptPrinterConfig | null
  /** A hidden, locked-down window for the document (windowOptions.receiptWindowOptions). */
  createWindow: () => BrowserWindow
  timers: Timers
  log: KioskLog
}

export class ReceiptPrinter {
  private readonly deps: ReceiptPrinterDeps
  /** One job at a time: a second press waits for the first. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(deps: ReceiptPrinterDeps) {
    this.deps = deps
  }

  get configured(): boolean {
    return this.deps.printer !== null
  }

  print(args: PrintReceiptArgs): Promise<PrintReceiptResult> {
    const next = this.queue.then(() => this.printNow(args))
    this.queue = next.catch(() => undefined)
    return next
  }

  private async printNow(args: PrintReceiptArgs): Promise<PrintReceiptResult> {
    const { printer, log } = this.deps
    if (!printer) return noPrinterResult
    const document = renderReceiptDocument(args, printer.paperWidthMm)
    const window = this.deps.createWindow()
    try {
      await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(document.html)}`)
      const result = await this.send(window, printer)
      if (result.printed) log.info(`receipt printed on "${printer.deviceName}"`)
      else log.warn(`receipt not printed on "${printer.deviceName}": ${result.message}`)
      return result
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log.warn(`receipt not printed: ${message}`)
      return printOutcome(false, message)
    } finally {
      if (!window.isDestroyed()) window.destroy()
    }
  }

  private send(window: BrowserWindow, printer: ReceiptPrinterConfig): Promise<PrintReceiptResult> {
    const { timers } = this.deps
    return new Promise((resolve) => {
      const timer = timers.setTimeout(() => {
        resolve(printOutcome(false, 'The printer did not answer in time.'))
      }, printTimeoutMs)
      window.webContents.print(receiptPrintOptions(printer), (success, failureReason) => {
        timers.clearTimeout(timer)
        resolve(printOutcome(success, failureReason))
      })
    })
  }
}

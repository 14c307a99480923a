import type {
  CheckoutEvent,
  KioskBridge,
  MoveCheckoutArgs,
  OpenCheckoutArgs,
  PrintReceiptArgs,
  PrintReceiptResult,
} from '../../../common/kioskBridge.ts'

/** A host that records what the renderer asked of it and lets the test play the CashNet page. */
export class FakeHost implements KioskBridge {
  readonly opened: OpenCheckoutArgs[] = []
  readonly moved: MoveCheckoutArgs[] = []
  closeCount = 0
  endSessionCount = 0
  heartbeats = 0
  open: OpenCheckoutArgs | null = null
  failOpen = false
  /** A receipt printer is configured (getKioskInfo says so). */
  receiptPrinter = false
  readonly printed: PrintReceiptArgs[] = []
  printAnswer: PrintReceiptResult = { printed: true }
  private readonly listeners = new Set<(event: CheckoutEvent) => void>()

  openCheckout(args: OpenCheckoutArgs): Promise<void> {
    if (this.failOpen) return Promise.reject(new Error('The checkout view could not be created'))
    this.opened.push(args)
    this.open = args
    return Promise.resolve()
  }

  moveCheckout(args: MoveCheckoutArgs): Promise<void> {
    this.moved.push(args)
    return Promise.resolve()
  }

  closeCheckout(): Promise<void> {
    this.closeCount += 1
    this.open = null
    return Promise.resolve()
  }

  onCheckoutEvent(listener: (event: CheckoutEvent) => void): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  endPatronSession(): Promise<void> {
    this.endSessionCount += 1
    this.open = null
    return Promise.resolve()
  }

  getKioskInfo() {
    return Promise.resolve({
      kioskId: 'test',
      version: '0.0.0',
      mode: 'browser' as const,
      receiptPrinter: this.receiptPrinter,
    })
  }

  printReceipt(args: PrintReceiptArgs): Promise<PrintReceiptResult> {
    this.printed.push(args)
    return Promise.resolve(this.printAnswer)
  }

  heartbeat(): void {
    this.heartbeats += 1
  }

  emit(event: CheckoutEvent): void {
    for (const listener of [...this.listeners]) listener(event)
  }

  get listenerCount(): number {
    return this.listeners.size
  }
}

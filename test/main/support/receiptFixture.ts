import type { PrintReceiptArgs } from '../../../common/kioskBridge.ts'

/** A receipt as the renderer sends it to be printed (also rendered in Chromium by the e2e). */
export const sampleReceipt: PrintReceiptArgs = {
  libraryName: 'Pollak Library',
  patronName: 'María José Núñez',
  language: 'en',
  currency: 'USD',
  paidAt: '2026-12-02T10:15:00Z',
  amountCents: 1250,
  transactionId: 'TX-884211',
  lines: [
    { description: 'Overdue fine — The Left Hand of Darkness', amountCents: 1000 },
    { description: 'Lost item processing fee', amountCents: 250 },
  ],
  reference: null,
}

import { act, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeHost } from '../support/fakeHost.ts'
import { FakeKioskApi } from '../support/fakeKioskApi.ts'
import { feesFixture, lookupFixture, settingsFixture } from '../support/fixtures.ts'
import { renderKiosk, swipe, type RenderedKiosk } from '../support/renderKiosk.tsx'

let kiosk: RenderedKiosk | undefined
afterEach(() => {
  kiosk?.unmount()
  kiosk = undefined
  document.documentElement.className = ''
})

/** The fixture's fees plus one of a type the standard table does not know. */
const printing = {
  id: '1004',
  type: 'CUSTOMFEE3',
  description: '3D printing',
  title: null,
  createdAt: '2025-04-01T09:00:00.000Z',
  balanceCents: 300,
}

async function start(api = new FakeKioskApi()) {
  api.patrons.set('2000000001', lookupFixture({ fees: [...feesFixture, printing] }))
  const host = new FakeHost()
  // A kiosk with a receipt printer: the receipt prints once by itself.
  host.receiptPrinter = true
  kiosk = await renderKiosk({ api, host })
  swipe(';2000000001=2612?')
  await screen.findByRole('group', { name: /fines and fees|multas y cargos/iu })
  return { api, host }
}

function feeNames(): string[] {
  return [...document.querySelectorAll('.fee-description')].map((node) => node.textContent)
}

/** The lines of the receipts the kiosk printed, as they went to the printer. */
function printedLines(host: FakeHost): string[][] {
  return host.printed.map((receipt) => receipt.lines.map((printed) => printed.description))
}

/** From the fines screen: pay everything, return from CashNet, and the service posts `lines`. */
async function payToReceipt(
  api: FakeKioskApi,
  host: FakeHost,
  lines: ReturnType<typeof line>[],
  buttons: { pay: RegExp; go: string; done: string },
) {
  fireEvent.click(screen.getByRole('button', { name: buttons.pay }))
  fireEvent.click(await screen.findByRole('button', { name: buttons.go }))
  await screen.findByRole('region', { name: /CashNet/u })
  const checkoutId = host.open?.checkoutId ?? ''
  act(() => {
    host.emit({ type: 'returned', checkoutId })
    api.setCheckout(checkoutId, {
      status: 'posted',
      receipt: {
        transactionId: 'CN900',
        amountCents: lines.reduce((sum, paid) => sum + paid.amountCents, 0),
        postedAt: '2026-11-22T12:55:00.000Z',
        lines,
        unappliedCents: 0,
        exceptionReference: null,
        remainingBalanceCents: 0,
      },
    })
  })
  await screen.findByRole('heading', { level: 1, name: buttons.done })
}

describe('fee type names on the kiosk screens', () => {
  it('names fees by type code in Spanish on the fines, confirm and receipt screens', async () => {
    const { api, host } = await start()
    fireEvent.click(screen.getByRole('button', { name: 'Español' }))
    await screen.findByRole('heading', { level: 1, name: 'Hola, Jane D.' })
    expect(feeNames()).toEqual([
      'Multa por retraso',
      'Cargo por reposición de material perdido',
      'Multa por material dañado',
      // Not in the table: Alma's description.
      '3D printing',
    ])

    fireEvent.click(screen.getByRole('button', { name: /^Pagar \$/u }))
    await screen.findByRole('heading', { level: 1, name: 'Confirme su pago' })
    const rows = within(screen.getByRole('table')).getAllByRole('rowheader')
    expect(rows.map((row) => row.querySelector('.fee-description')?.textContent)).toEqual([
      'Multa por retraso',
      'Cargo por reposición de material perdido',
      'Multa por material dañado',
      '3D printing',
    ])

    fireEvent.click(screen.getByRole('button', { name: 'Ir al pago seguro' }))
    await screen.findByRole('region', { name: /CashNet/u })
    const checkoutId = host.open?.checkoutId ?? ''
    act(() => {
      host.emit({ type: 'returned', checkoutId })
      api.setCheckout(checkoutId, {
        status: 'posted',
        receipt: {
          transactionId: 'CN900',
          amountCents: 4575,
          postedAt: '2026-11-22T12:55:00.000Z',
          lines: [
            line('1001', 'Overdue fine', 1250),
            line('1004', '3D printing', 300),
            // A fee the patron's lookup did not list (money moved on by the service).
            line('1999', 'Binding fee', 100),
          ],
          unappliedCents: 0,
          exceptionReference: null,
          remainingBalanceCents: 0,
        },
      })
    })
    await screen.findByRole('heading', { level: 1, name: 'Pago completado' })
    expect(feeNames()).toEqual(['Multa por retraso', '3D printing', 'Binding fee'])
    // The printed receipt names them as the screen does.
    await vi.waitFor(() => {
      expect(printedLines(host)).toEqual([['Multa por retraso', '3D printing', 'Binding fee']])
    })
    expect(host.printed[0]?.language).toBe('es')
  })

  it('uses the institution’s own names from the kiosk settings', async () => {
    const { api, host } = await start(
      new FakeKioskApi(
        settingsFixture({
          feeTypeNames: {
            OVERDUEFINE: { en: 'Late return fine' },
            CUSTOMFEE3: { en: 'Maker space printing', es: 'Impresión en el taller' },
          },
        }),
      ),
    )
    expect(feeNames()).toEqual([
      'Late return fine',
      'Lost item replacement fee',
      'Damaged item fine',
      'Maker space printing',
    ])
    fireEvent.click(screen.getByRole('button', { name: 'Español' }))
    await screen.findByRole('heading', { level: 1, name: 'Hola, Jane D.' })
    // No Spanish override for OVERDUEFINE: the standard Spanish name.
    expect(feeNames()[0]).toBe('Multa por retraso')
    expect(feeNames()[3]).toBe('Impresión en el taller')

    fireEvent.click(screen.getByRole('button', { name: 'English' }))
    await screen.findByRole('heading', { level: 1, name: 'Hello, Jane D.' })
    await payToReceipt(
      api,
      host,
      [line('1001', 'Overdue fine', 1250), line('1004', '3D printing', 300)],
      { pay: /^Pay \$/u, go: 'Continue to secure payment', done: 'Payment complete' },
    )
    const printed = ['Late return fine', 'Maker space printing']
    expect(feeNames()).toEqual(printed)
    await vi.waitFor(() => {
      expect(printedLines(host)).toEqual([printed])
    })
  })
})

function line(feeId: string, description: string, amountCents: number) {
  return { feeId, description, title: null, amountCents, remainingCents: 0 }
}

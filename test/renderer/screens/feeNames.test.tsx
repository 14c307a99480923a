import { act, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
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
  kiosk = await renderKiosk({ api, host })
  swipe(';2000000001=2612?')
  await screen.findByRole('group', { name: /fines and fees|multas y cargos/iu })
  return { api, host }
}

function feeNames(): string[] {
  return [...document.querySelectorAll('.fee-description')].map((node) => node.textContent)
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
  })

  it('uses the institution’s own names from the kiosk settings', async () => {
    await start(
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
  })
})

function line(feeId: string, description: string, amountCents: number) {
  return { feeId, description, title: null, amountCents, remainingCents: 0 }
}

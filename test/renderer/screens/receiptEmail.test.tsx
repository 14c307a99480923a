import { act, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CheckoutStatus } from '../../../common/api.ts'
import { FakeHost } from '../support/fakeHost.ts'
import { FakeKioskApi } from '../support/fakeKioskApi.ts'
import { receiptFixture, settingsFixture } from '../support/fixtures.ts'
import { renderKiosk, swipe, type RenderedKiosk } from '../support/renderKiosk.tsx'

let kiosk: RenderedKiosk | undefined
afterEach(() => {
  kiosk?.unmount()
  kiosk = undefined
  document.documentElement.className = ''
})

/** The kiosk on the fake service (email offered unless told otherwise), paid up to a receipt. */
async function payToReceipt(
  options: {
    emailReceipt?: boolean
    status?: CheckoutStatus
    printer?: boolean
    spanish?: boolean
  } = {},
) {
  const api = new FakeKioskApi(settingsFixture({ emailReceipt: options.emailReceipt ?? true }))
  const host = new FakeHost()
  host.receiptPrinter = options.printer ?? false
  kiosk = await renderKiosk({ api, host })
  swipe(';2000000001=2612?')
  await screen.findByRole('heading', { level: 1, name: 'Hello, Jane D.' })
  if (options.spanish) {
    fireEvent.click(screen.getByRole('button', { name: 'Español' }))
    await screen.findByRole('heading', { level: 1, name: 'Hola, Jane D.' })
  }
  fireEvent.click(screen.getByRole('button', { name: /\$42\.75/u }))
  fireEvent.click(await screen.findByRole('button', { name: /CashNet|segur|secure/iu }))
  await vi.waitFor(() => {
    expect(host.open).not.toBeNull()
  })
  const checkoutId = host.open?.checkoutId ?? ''
  act(() => {
    host.emit({ type: 'returned', checkoutId })
  })
  act(() => {
    api.setCheckout(checkoutId, {
      status: options.status ?? 'posted',
      receipt: receiptFixture({
        exceptionReference: options.status === 'posted_with_exceptions' ? 'EXC-9' : null,
      }),
    })
  })
  return { api, host, checkoutId }
}

const emailButton = () =>
  screen.getByRole<HTMLButtonElement>('button', { name: 'Email my receipt' })

describe('renderer/screens/ReceiptScreen: Email my receipt', () => {
  it('is not offered when the library does not email receipts', async () => {
    await payToReceipt({ emailReceipt: false })
    await screen.findByRole('heading', { level: 1, name: 'Payment complete' })
    expect(screen.queryByRole('button', { name: 'Email my receipt' })).toBeNull()
  })

  it('is not offered on the receipt of a payment posted with exceptions', async () => {
    await payToReceipt({ status: 'posted_with_exceptions' })
    await screen.findByRole('heading', { level: 1, name: 'Payment received' })
    expect(screen.queryByRole('button', { name: 'Email my receipt' })).toBeNull()
  })

  it('goes idle → sending → sent, once, beside Print receipt', async () => {
    const { api, checkoutId } = await payToReceipt({ printer: true })
    await screen.findByRole('heading', { level: 1, name: 'Payment complete' })
    // Beside the print button, in the same row.
    const print = screen.getByRole('button', { name: 'Print receipt' })
    expect(print.closest('.receipt-copies')).toBe(emailButton().closest('.receipt-copies'))
    expect(emailButton().disabled).toBe(false)
    expect(api.receiptEmails).toEqual([])

    let release: () => void = () => undefined
    api.emailGate = new Promise<void>((resolve) => {
      release = resolve
    })
    fireEvent.click(emailButton())
    await screen.findByText('Sending your receipt…')
    expect(emailButton().disabled).toBe(true)
    act(() => {
      release()
    })
    await screen.findByText('Sent to j•••@example.edu')
    expect(emailButton().disabled).toBe(true)
    fireEvent.click(emailButton())
    await act(() => kiosk?.store.getState().emailReceipt())
    expect(api.receiptEmails).toEqual([{ checkoutId, language: 'en' }])
    // Done still works.
    fireEvent.click(screen.getByRole('button', { name: 'Done' }))
    await screen.findByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' })
  })

  it('asks for the receipt in the patron kiosk language', async () => {
    const { api, checkoutId } = await payToReceipt({ spanish: true })
    await screen.findByRole('heading', { level: 1, name: 'Pago completado' })
    fireEvent.click(screen.getByRole('button', { name: 'Enviar mi recibo por correo' }))
    await screen.findByText('Enviado a j•••@example.edu')
    expect(api.receiptEmails).toEqual([{ checkoutId, language: 'es' }])
  })

  it('sends the patron without an email to the service desk, and stays off', async () => {
    const { api } = await payToReceipt()
    await screen.findByRole('heading', { level: 1, name: 'Payment complete' })
    api.nextEmailError = 'no_email'
    fireEvent.click(emailButton())
    await screen.findByText(
      'There is no email address on your library account. Ask at the service desk for a copy of your receipt.',
    )
    expect(emailButton().disabled).toBe(true)
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Done' }).disabled).toBe(false)
  })

  it('says when the service cannot email receipts, and stays off', async () => {
    const { api } = await payToReceipt()
    await screen.findByRole('heading', { level: 1, name: 'Payment complete' })
    api.nextEmailError = 'email_unavailable'
    fireEvent.click(emailButton())
    await screen.findByText(
      'Receipts cannot be emailed right now. Please note your CashNet transaction number.',
    )
    expect(emailButton().disabled).toBe(true)
  })

  it('lets the patron try again after a receipt that was not ready or a dropped connection', async () => {
    const { api, checkoutId } = await payToReceipt()
    await screen.findByRole('heading', { level: 1, name: 'Payment complete' })
    api.nextEmailError = 'not_posted'
    fireEvent.click(emailButton())
    await screen.findByText('Your receipt is not ready to email yet. Please try again in a moment.')
    expect(emailButton().disabled).toBe(false)

    api.down = true
    fireEvent.click(emailButton())
    await screen.findByText('Your receipt could not be emailed. Please try again.')
    expect(emailButton().disabled).toBe(false)

    api.down = false
    fireEvent.click(emailButton())
    await screen.findByText('Sent to j•••@example.edu')
    expect(api.receiptEmails.map((request) => request.checkoutId)).toEqual([checkoutId, checkoutId])
  })

  it('is wiped with the patron session, even with a request still in flight', async () => {
    const { api } = await payToReceipt()
    await screen.findByRole('heading', { level: 1, name: 'Payment complete' })
    api.emailGate = new Promise<void>(() => undefined)
    fireEvent.click(emailButton())
    await screen.findByText('Sending your receipt…')
    fireEvent.click(screen.getByRole('button', { name: 'Done' }))
    await screen.findByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' })
    expect(kiosk?.store.getState().receiptEmail).toBeNull()
    expect(document.body.textContent).not.toContain('j•••@example.edu')
  })
})

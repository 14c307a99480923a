import { act, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Receipt } from '../../common/api.ts'
import { createBrowserHost } from '../../renderer/src/host/browserHost.ts'
import { FakeHost } from './support/fakeHost.ts'
import { FakeKioskApi } from './support/fakeKioskApi.ts'
import { receiptFixture, settingsFixture } from './support/fixtures.ts'
import { renderKiosk, swipe, type RenderedKiosk } from './support/renderKiosk.tsx'

let kiosk: RenderedKiosk | undefined
afterEach(() => {
  kiosk?.unmount()
  kiosk = undefined
  vi.useRealTimers()
  document.documentElement.className = ''
})

async function start(...args: Parameters<typeof renderKiosk>) {
  kiosk = await renderKiosk(...args)
  return kiosk
}

async function swipeToFines() {
  swipe(';2000000001=2612?')
  await screen.findByRole('heading', { level: 1, name: 'Hello, Jane D.' })
}

/** Pays the first fees through the fake CashNet page until the service reports `receipt`. */
async function payToReceipt(host: FakeHost, api: FakeKioskApi, receipt: Receipt = postedReceipt) {
  await swipeToFines()
  fireEvent.click(screen.getByRole('button', { name: 'Pay $42.75' }))
  fireEvent.click(await screen.findByRole('button', { name: 'Continue to secure payment' }))
  await screen.findByRole('heading', { level: 1, name: 'Secure payment: $42.75' })
  expect(screen.getByRole('timer').textContent).toMatch(/^Time left: [45]:\d\d$/u)
  const checkoutId = host.open?.checkoutId ?? ''
  act(() => {
    host.emit({ type: 'returned', checkoutId })
  })
  await screen.findByRole('heading', { level: 1, name: 'Confirming your payment…' })
  expect(screen.getByRole('status').textContent).toBe('Waiting for confirmation from CashNet.')
  act(() => {
    api.setCheckout(checkoutId, {
      status: 'posted',
      receipt,
    })
  })
}

const postedReceipt = receiptFixture()

describe('renderer/App', () => {
  it('starts on the attract screen with the library name', async () => {
    await start()
    expect(
      screen.getByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' }),
    ).toBeTruthy()
    expect(screen.getByText('University Library')).toBeTruthy()
  })

  it('says the kiosk is out of service while the settings cannot be loaded', async () => {
    const api = new FakeKioskApi()
    api.down = true
    await start({ api })
    expect(
      screen.getByRole('heading', { name: 'This kiosk is temporarily out of service' }),
    ).toBeTruthy()
  })

  it('looks up only the id from a swipe and lists the fees with their titles', async () => {
    const { api } = await start()
    await swipeToFines()
    expect(api.lookups).toEqual(['2000000001'])
    expect(screen.getByText('You owe $42.75 to the library.')).toBeTruthy()
    expect(screen.getByText('Item: Cien años de soledad')).toBeTruthy()
    expect(screen.getAllByRole('checkbox', { checked: true })).toHaveLength(4)
  })

  it('hides item titles when the settings say so', async () => {
    await start({ api: new FakeKioskApi(settingsFixture({ showItemTitles: false })) })
    await swipeToFines()
    expect(screen.queryByText(/Cien años de soledad/u)).toBeNull()
  })

  it('does not let the Enter that ends a swipe press the focused button', async () => {
    await start()
    const manual = screen.getByRole('button', { name: 'Type your ID number instead' })
    manual.focus()
    const notCancelled = swipe('2000000001', manual)
    expect(notCancelled).toBe(false)
    await swipeToFinesDone()
  })

  it('types an id on the keypad when manual entry is allowed', async () => {
    const { api } = await start()
    fireEvent.click(screen.getByRole('button', { name: 'Type your ID number instead' }))
    const keypad = screen.getByRole('group', { name: 'Keypad' })
    for (const digit of '2000000001') {
      fireEvent.click(within(keypad).getByRole('button', { name: digit }))
    }
    expect(screen.getByText('2000000001')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Find my account' }))
    await screen.findByRole('heading', { level: 1, name: 'Hello, Jane D.' })
    expect(api.lookups).toEqual(['2000000001'])
  })

  it('offers no manual entry when the settings forbid it', async () => {
    await start({ api: new FakeKioskApi(settingsFixture({ allowManualEntry: false })) })
    expect(screen.queryByRole('button', { name: 'Type your ID number instead' })).toBeNull()
  })

  it('pays a selection of fees and shows how the amount is applied', async () => {
    await start()
    await swipeToFines()
    fireEvent.click(screen.getByRole('checkbox', { name: /Lost item replacement/u }))
    fireEvent.click(screen.getByRole('button', { name: 'Pay $17.75' }))
    await screen.findByRole('heading', { level: 1, name: 'Confirm your payment' })
    const table = screen.getByRole('table', { name: 'How your payment is applied' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((row) => row.textContent)).toEqual([
      'Overdue fineItem: The social life of language$12.50$12.50$0.00',
      'Damaged item fine$5.25$5.25$0.00',
    ])
  })

  it('takes a partial amount on the keypad within the minimum and the total', async () => {
    await start()
    await swipeToFines()
    fireEvent.click(screen.getByRole('button', { name: 'Pay a different amount' }))
    const keypad = screen.getByRole('group', { name: 'Keypad' })
    const press = (key: string) => {
      fireEvent.click(within(keypad).getByRole('button', { name: key }))
    }
    press('5')
    expect(screen.getByRole('alert').textContent).toBe('The smallest payment is $1.00.')
    const next = screen.getByRole('button', { name: 'Continue' })
    expect((next as HTMLButtonElement).disabled).toBe(true)
    for (const key of ['Delete last digit', '2', '0', '0', '0']) press(key)
    expect(screen.getByText('$20.00')).toBeTruthy()
    fireEvent.click(next)
    await screen.findByRole('heading', { level: 1, name: 'Confirm your payment' })
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1)
    expect(rows.map((row) => row.textContent)).toEqual([
      'Overdue fineItem: The social life of language$12.50$12.50$0.00',
      'Lost item replacement feeItem: Cien años de soledad$25.00$7.50$17.50',
    ])
    expect(screen.getByText('Payments are applied to your oldest fees first.')).toBeTruthy()
  })

  it('switches to Spanish on any screen, with money and dates through Intl', async () => {
    await start()
    await swipeToFines()
    fireEvent.click(screen.getByRole('button', { name: 'Español' }))
    await screen.findByRole('heading', { level: 1, name: 'Hola, Jane D.' })
    expect(document.documentElement.lang).toBe('es')
    const amount = new Intl.NumberFormat('es-US', { style: 'currency', currency: 'USD' }).format(
      42.75,
    )
    expect(screen.getByText(`Usted debe ${amount} a la biblioteca.`)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Terminar sin pagar' }))
    await screen.findByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' })
    expect(document.documentElement.lang).toBe('en')
  })

  it('toggles large text', async () => {
    await start()
    const toggle = screen.getByRole('button', { name: /Larger text/u })
    fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-pressed')).toBe('true')
    expect(document.documentElement.classList.contains('large-text')).toBe(true)
  })

  it('goes from checkout to a posted receipt, then forgets the patron on Done', async () => {
    const host = new FakeHost()
    const { api } = await start({ host })
    sessionStorage.setItem('left-behind', 'x')
    await payToReceipt(host, api)
    await screen.findByRole('heading', { level: 1, name: 'Payment complete' })
    expect(screen.getByText('CN777')).toBeTruthy()
    // No receipt printer on this host: nothing printed, no button.
    expect(screen.queryByRole('button', { name: 'Print receipt' })).toBeNull()
    expect(host.printed).toEqual([])

    fireEvent.click(screen.getByRole('button', { name: 'Done' }))
    await screen.findByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' })
    expect(host.endSessionCount).toBe(1)
    for (const trace of ['Jane', 'CN777', 'Overdue fine', '42.75']) {
      expect(document.body.textContent).not.toContain(trace)
    }
  })

  it('prints the receipt by itself on a kiosk with a printer, and again on request', async () => {
    const host = new FakeHost()
    host.receiptPrinter = true
    const { api } = await start({ host })
    await payToReceipt(host, api)
    await screen.findByText('Your receipt has been printed.')
    expect(host.printed).toEqual([
      expect.objectContaining({
        patronName: 'Jane D.',
        transactionId: 'CN777',
        amountCents: 4275,
        reference: null,
        lines: [{ description: 'Overdue fine', amountCents: 1250 }],
      }),
    ])
    fireEvent.click(screen.getByRole('button', { name: 'Print receipt' }))
    await vi.waitFor(() => {
      expect(host.printed).toHaveLength(2)
    })
  })

  it('never holds the patron up when the printer fails: the screen shows the reference', async () => {
    const host = new FakeHost()
    host.receiptPrinter = true
    host.printAnswer = { printed: false, kind: 'print_failed', message: 'Print job failed' }
    const { api } = await start({ host })
    await payToReceipt(host, api, { ...postedReceipt, exceptionReference: 'EXC-1234' })
    await screen.findByText(
      'Your receipt could not be printed. Please note your reference: EXC-1234',
    )
    expect(screen.getByRole('button', { name: 'Done' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Done' }))
    await screen.findByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' })
  })

  it('clears web storage through the browser host when the session ends', async () => {
    await start({ host: createBrowserHost(window) })
    sessionStorage.setItem('patron', 'Jane')
    localStorage.setItem('patron', 'Jane')
    await swipeToFines()
    fireEvent.click(screen.getByRole('button', { name: 'Finish without paying' }))
    await screen.findByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' })
    expect([sessionStorage.length, localStorage.length]).toEqual([0, 0])
    expect(document.body.textContent).not.toContain('Jane')
  })

  it('asks "Are you still there?" when idle and ends the session when nobody answers', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    await start()
    await swipeToFines()
    act(() => {
      vi.advanceTimersByTime(60_000)
    })
    const dialog = await screen.findByRole('alertdialog', { name: 'Are you still there?' })
    expect(dialog.textContent).toContain('this session will end in 15 seconds')
    fireEvent.click(within(dialog).getByRole('button', { name: 'I am still here' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()

    act(() => {
      vi.advanceTimersByTime(60_000)
    })
    await screen.findByRole('alertdialog')
    act(() => {
      vi.advanceTimersByTime(15_000)
    })
    await screen.findByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' })
    expect(document.body.textContent).not.toContain('Jane')
  })
})

async function swipeToFinesDone() {
  await screen.findByRole('heading', { level: 1, name: 'Hello, Jane D.' })
}

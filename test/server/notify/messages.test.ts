import { describe, expect, it } from 'vitest'
import { escapeHtml } from '../../../common/html.ts'
import { withoutCardData } from '../../../server/notify/cardData.ts'
import { latestDigestAt, localDay, previousDigestAt } from '../../../server/notify/digestTime.ts'
import { staffDigestMail } from '../../../server/notify/messages/staffDigest.ts'
import { staffPaymentMail } from '../../../server/notify/messages/staffPayment.ts'
import type { CheckoutRecord } from '../../../server/store/repository.ts'

const local = (y: number, m: number, d: number, h: number, min: number) =>
  new Date(y, m - 1, d, h, min).getTime()

const sampleCheckout: CheckoutRecord = {
  id: 'c1',
  institution: 'I',
  kioskId: 'k',
  channel: 'desk:jdoe',
  primaryId: 'p1',
  patronName: '<img src=x onerror=alert(1)>',
  currency: 'USD',
  amountCents: 500,
  status: 'posted',
  lines: [
    {
      lineNo: 1,
      feeId: 'f',
      feeType: 'OVERDUEFINE',
      description: 'Overdue fine',
      title: '<b>Title</b>',
      feeCreatedAt: '2024-01-01T00:00:00Z',
      amountCents: 500,
      itemCode: 'LIB',
    },
  ],
  createdAt: 0,
  expiresAt: 0,
  updatedAt: 0,
  paidAt: 0,
  postedAt: 0,
  cashnetTx: '123',
  message: null,
  remainingBalanceCents: 0,
  feeBalances: null,
}

describe('server/notify: the parts of a message', () => {
  it('puts the digest at the local time of day, the day before when it is not yet time', () => {
    const seven = 7 * 60
    expect(latestDigestAt(local(2025, 3, 10, 6, 59), seven)).toBe(local(2025, 3, 9, 7, 0))
    expect(latestDigestAt(local(2025, 3, 10, 7, 0), seven)).toBe(local(2025, 3, 10, 7, 0))
    expect(latestDigestAt(local(2025, 3, 10, 23, 0), seven)).toBe(local(2025, 3, 10, 7, 0))
    expect(previousDigestAt(local(2025, 3, 1, 7, 0), seven)).toBe(local(2025, 2, 28, 7, 0))
    expect(localDay(local(2025, 1, 5, 7, 0))).toBe('2025-01-05')
  })

  it('removes card numbers and track data, and leaves other numbers alone', () => {
    expect(withoutCardData('card 4111 1111 1111 1111 used')).toBe('card [removed] used')
    expect(withoutCardData('%B4111111111111111^DOE/JOHN^2512?')).toBe('[removed]')
    expect(withoutCardData(';4111111111111111=2512101?')).toBe('[removed]')
    // A fee id or a CashNet tx that fails the Luhn check stays.
    expect(withoutCardData('fee 8142000000000001 tx 900000001')).toBe(
      'fee 8142000000000001 tx 900000001',
    )
  })

  it('escapes what a patron name or fee title could smuggle into the HTML part', () => {
    const checkout = sampleCheckout
    const mail = staffPaymentMail(checkout, {
      libraryName: 'Library',
      consoleUrl: 'https://x.example/staff/payments/c1',
    })
    expect(mail.html).not.toContain('<img')
    expect(mail.html).not.toContain('<b>')
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(mail.text).toContain('Circulation desk (jdoe), Library')
  })

  it('says in the digest where each payment was made, as the per-payment message does', () => {
    const checkouts = (['kiosk:lobby-1', 'desk:jdoe', 'link', 'primo'] as const).map(
      (channel, index): CheckoutRecord => ({
        ...sampleCheckout,
        id: `c${String(index)}`,
        channel,
        kioskId: channel.startsWith('kiosk:') ? 'lobby-1' : '',
      }),
    )
    const mail = staffDigestMail(checkouts, {
      libraryName: 'King Library',
      fromMs: 0,
      toMs: 86_400_000,
    })
    for (const where of [
      'Kiosk lobby-1, King Library',
      'Circulation desk (jdoe), King Library',
      "Pay link, on the patron's own device (King Library)",
      'Primo "Pay fines" link (King Library)',
    ]) {
      expect(mail.text).toContain(where)
      expect(mail.html).toContain(escapeHtml(where))
    }
    expect(mail.html).toMatch(/<th scope="col"[^>]*>Where<\/th>/)
  })
})

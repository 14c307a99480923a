/**
 * Email end to end: the service as assembled, a real SMTP server on loopback, and what arrived
 * read back with mailparser. The loops are driven by hand (the harness keeps background work off)
 * and time is the test clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiPaths, emailReceiptResponseSchema } from '../../../common/api.ts'
import {
  createdPayLinkSchema,
  paymentDetailSchema,
  staffPath,
  staffRoutes,
} from '../../../common/staffApi.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import {
  drainOutbox,
  kioskId,
  payOnSandbox,
  postForm,
  successPostback,
  type Harness,
} from '../payments/harness.ts'
import { emailPayLink, mailOf, signedInDesk, startMailHarness } from './mailHarness.ts'
import { startSmtpSink, type ReceivedMail, type SmtpSink } from './smtpSink.ts'

const card = '4111111111111111'
const minute = 60_000

function partsOf(mail: ReceivedMail) {
  const text = mail.parsed.text ?? ''
  const html = typeof mail.parsed.html === 'string' ? mail.parsed.html : ''
  return { text, html, subject: mail.parsed.subject ?? '' }
}

function lastOf(mails: readonly ReceivedMail[]): ReceivedMail {
  const last = mails.at(-1)
  if (!last) throw new Error('no message arrived')
  return last
}

function expectWithin(value: number | undefined, low: number, high: number) {
  expect(value).toBeGreaterThanOrEqual(low)
  expect(value).toBeLessThanOrEqual(high)
}

/** No card number and no track data, in any part of any message. */
function expectNoCardData(mails: readonly ReceivedMail[]) {
  for (const mail of mails) {
    const flat = mail.raw.replace(/=\r?\n/g, '').replace(/[\s-]/g, '')
    expect(flat).not.toContain(card)
    expect(mail.raw).not.toMatch(/%B\d{12,19}\^|;\d{12,19}=/)
  }
}

describe('server/notify: email through a real SMTP server', () => {
  let sink: SmtpSink
  let h: Harness

  const mail = () => mailOf(h)
  /** One producer pass and one sender pass: what is due now goes out. */
  const deliver = async () => {
    await mail().notify.producer.runOnce()
    return mail().notify.sender.runOnce()
  }
  const payAtKiosk = async (cardNumber: string, amountCents?: number) => {
    const lookup = await h.lookup(cardNumber)
    const created = await h.checkouts.create(kioskId, {
      lookupId: lookup.lookupId,
      ...(amountCents ? { amountCents } : {}),
    })
    const paid = await payOnSandbox(created.checkoutUrl, { card })
    expect(paid.status).toBeLessThan(400)
    return created.checkoutId
  }

  beforeAll(async () => {
    sink = await startSmtpSink()
    h = await startMailHarness(sink, {
      env: {
        STAFF_NOTIFY_TO: 'circulation@library.example.edu',
        STAFF_NOTIFY: 'each',
        STAFF_ALERT_TO: 'systems@library.example.edu',
        POSTING_ALERT_MINUTES: '30',
        PATRON_RECEIPT_EMAIL: 'true',
      },
    })
  })
  afterAll(async () => {
    await h.close()
    await sink.stop()
  })

  it('tells the circulation inbox of each posted payment, both parts, and the timeline shows it', async () => {
    const checkoutId = await payAtKiosk(sandboxCards.oneFee)
    await drainOutbox(h)
    const checkout = await h.repo.getCheckout(checkoutId)
    expect(checkout?.status).toBe('posted')
    expect(await deliver()).toBe(1)
    const [message] = await sink.waitFor(1)
    if (!message) throw new Error('nothing arrived')
    expect(message.envelopeTo).toEqual(['circulation@library.example.edu'])
    expect(message.parsed.from?.text).toContain('payments@library.example.edu')
    const { text, html, subject } = partsOf(message)
    expect(subject).toBe(`Payment posted: $3.00, CashNet ${checkout?.cashnetTx ?? ''}`)
    for (const part of [text, html]) {
      expect(part).toContain('James Chen')
      expect(part).toContain('jchen02')
      expect(part).toContain(`kiosk:${kioskId}`)
      expect(part).toContain(checkout?.cashnetTx ?? 'no tx')
      expect(part).toContain('$3.00')
      expect(part).toContain('Invisible man / Ralph Ellison.')
    }
    expect(html).toContain('<table')
    expect(text).not.toContain('<')
    // Once only, whatever the producer is asked again.
    expect(await deliver()).toBe(0)

    const events = await h.repo.listEvents({ checkoutId })
    expect(events.filter((event) => event.type === 'email_sent')).toEqual([
      expect.objectContaining({
        detail: { kind: 'staff_payment', to: 'c•••@library.example.edu' },
      }),
    ])
    expectNoCardData(sink.received)
  })

  it('keeps messages while the mail server is down, posting goes on, and delivers when it is back', async () => {
    const before = sink.received.length
    await sink.stop()
    const checkoutId = await payAtKiosk(sandboxCards.severalFees, 150)
    await drainOutbox(h)
    expect((await h.repo.getCheckout(checkoutId))?.status).toBe('posted')

    const firstTry = h.clock.now()
    expect(await deliver()).toBe(0)
    const [queued] = await mail().queue.listMail({ status: 'pending' })
    expect(queued).toMatchObject({ kind: 'staff_payment', checkoutId, attempts: 1 })
    expect(queued?.lastError).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/)
    expectWithin(queued?.nextAttemptAt, firstTry + 60_000, h.clock.now() + 60_000)

    // Still down at the next attempt: put off twice as long.
    h.clock.advance(60_000)
    const secondTry = h.clock.now()
    expect(await deliver()).toBe(0)
    const again = await mail().queue.getMail(queued?.id ?? 0)
    expect(again).toMatchObject({ attempts: 2, status: 'pending' })
    expectWithin(again?.nextAttemptAt, secondTry + 120_000, h.clock.now() + 120_000)

    await sink.start()
    expect(await deliver()).toBe(0)
    h.clock.advance(120_000)
    expect(await deliver()).toBe(1)
    const arrived = await sink.waitFor(before + 1)
    expect(partsOf(lastOf(arrived)).text).toContain('$1.50')
    expect(await mail().queue.pendingCount()).toBe(0)
  })

  it('alerts on a new exception once', async () => {
    const before = sink.received.length
    const answer = await postForm(
      h.postbackUrl,
      successPostback('no-such-checkout', '970000001', [1234]),
    )
    expect(answer.status).toBe(200)
    expect(await deliver()).toBe(1)
    expect(await deliver()).toBe(0)
    const alert = lastOf(await sink.waitFor(before + 1))
    expect(alert.envelopeTo).toEqual(['systems@library.example.edu'])
    const { text, html, subject } = partsOf(alert)
    expect(subject).toContain('EXC-970000001')
    for (const part of [text, html]) {
      expect(part).toContain('unmatched payment')
      expect(part).toContain('$12.34')
      expect(part).toContain('970000001')
    }
  })

  it('alerts on payments not posted in time, at most once per interval', async () => {
    const before = sink.received.length
    const checkoutId = await payAtKiosk(sandboxCards.unicode, 100)
    expect((await h.repo.getCheckout(checkoutId))?.status).toBe('paid')
    expect(await deliver()).toBe(0)
    h.clock.advance(31 * minute)
    expect(await deliver()).toBe(1)
    h.clock.advance(10 * minute)
    expect(await deliver()).toBe(0)
    h.clock.advance(21 * minute)
    expect(await deliver()).toBe(1)
    const alerts = (await sink.waitFor(before + 2)).slice(before)
    for (const alert of alerts) {
      const { subject, text } = partsOf(alert)
      expect(subject).toBe('1 payment not posted to Alma after 30 minutes')
      expect(text).toContain('$1.00')
      // Alerts name no patron.
      expect(text).not.toContain('Zoë')
    }
    await drainOutbox(h)
    await deliver()
  })

  it('emails the kiosk receipt to the patron’s preferred address, in the kiosk language, once', async () => {
    const checkoutId = await payAtKiosk(sandboxCards.manyFees, 200)
    await drainOutbox(h)
    await deliver()
    const before = sink.received.length
    const ask = (id: string, language = 'es', key = h.kioskKey) =>
      fetch(`${h.baseUrl}${apiPaths.emailReceipt(id)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ language }),
      })
    const answer = await ask(checkoutId)
    expect(answer.status).toBe(202)
    const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.manyFees)
    expect(emailReceiptResponseSchema.parse(await answer.json()).sentTo).toBe(
      `${primaryId.slice(0, 1)}•••@example.edu`,
    )
    expect((await ask(checkoutId)).status).toBe(202)
    expect(await deliver()).toBe(1)
    const receipt = lastOf(await sink.waitFor(before + 1))
    expect(receipt.envelopeTo).toEqual([`${primaryId}@example.edu`])
    const { subject, text, html } = partsOf(receipt)
    expect(subject).toMatch(/^Su recibo de pago de /)
    expect(html).toContain('lang="es"')
    for (const part of [text, html]) {
      expect(part).toContain('Importe pagado')
      expect(part).toMatch(/2[.,]00/)
    }
    const sentEvents = (await h.repo.listEvents({ checkoutId })).filter(
      (event) => event.type === 'email_sent',
    )
    expect(sentEvents.map((event) => event.detail.kind)).toContain('patron_receipt')

    expect((await ask('no-such-checkout')).status).toBe(404)
    expect((await ask(checkoutId, 'fr')).status).toBe(400)
    const lookup = await h.lookup(sandboxCards.external)
    const pending = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    const notYet = await ask(pending.checkoutId)
    expect(notYet.status).toBe(409)
    expect(await notYet.json()).toMatchObject({ error: { code: 'not_posted' } })
    expectNoCardData(sink.received)
  })

  it('sends a pay link from the desk: 201 with the masked address, and the link in the message works', async () => {
    const desk = await signedInDesk(h, 'desk1')
    const before = sink.received.length
    const answer = await emailPayLink(desk, sandboxCards.blocked)
    expect(answer.status).toBe(201)
    const created = createdPayLinkSchema.parse(answer.body)
    const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.blocked)
    expect(created.sentTo).toBe(`${primaryId.slice(0, 1)}•••@example.edu`)
    expect(await deliver()).toBe(1)
    const message = lastOf(await sink.waitFor(before + 1))
    expect(message.envelopeTo).toEqual([`${primaryId}@example.edu`])
    const { text, html } = partsOf(message)
    expect(text).toContain(created.url)
    expect(html).toContain(`href="${created.url}"`)
    expect(text).not.toContain(primaryId)
    // The link in the message opens the patron's link (the pay pages resolve it this way).
    const token = new URL(/https?:\/\/\S+/.exec(text)?.[0] ?? '').pathname.split('/').at(-1) ?? ''
    const opened = await h.service.payLinks.open(token)
    expect(opened).toMatchObject({ id: created.id, primaryId, delivery: 'email' })

    // The staff timeline of a payment lists the emails sent about it.
    const [payment] = await h.repo
      .listEvents()
      .then((events) => events.filter((event) => event.type === 'email_sent' && event.checkoutId))
    const detail = await desk.call(
      'GET',
      staffPath(staffRoutes.payment.path, { checkoutId: payment?.checkoutId ?? '' }),
    )
    expect(paymentDetailSchema.parse(detail.body).timeline).toContainEqual(
      expect.objectContaining({ type: 'email_sent', summary: 'Email sent (staff payment)' }),
    )
    expectNoCardData(sink.received)
  })
})

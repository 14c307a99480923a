/** The daily digest, on the test clock: once a day at the configured local time, never twice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latestDigestAt } from '../../../server/notify/digestTime.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import {
  drainOutbox,
  kioskId,
  payOnSandbox,
  startHarness,
  type Harness,
} from '../payments/harness.ts'
import { startSmtpSink, type SmtpSink } from './smtpSink.ts'

const minute = 60_000

describe('server/notify: the daily digest', () => {
  let sink: SmtpSink
  let h: Harness
  // Ten minutes from now, local time: the test sees the digest time pass.
  const at = new Date(Date.now() + 10 * minute)
  const digestAt = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`
  const digestMinutes = at.getHours() * 60 + at.getMinutes()

  beforeAll(async () => {
    sink = await startSmtpSink()
    h = await startHarness({
      env: {
        SMTP_URL: sink.url,
        MAIL_FROM: 'payments@library.example.edu',
        STAFF_NOTIFY_TO: 'circulation@library.example.edu',
        STAFF_NOTIFY: 'digest',
        STAFF_DIGEST_AT: digestAt,
      },
    })
  })
  afterAll(async () => {
    await h.close()
    await sink.stop()
  })

  const deliver = async () => {
    const mail = h.service.mail
    if (!mail) throw new Error('email is not set up')
    await mail.notify.producer.runOnce()
    return mail.notify.sender.runOnce()
  }

  it('sends the last window at start, then one digest at the time with the day’s payments', async () => {
    // At start: the window that ended at the last digest time (nothing posted then).
    expect(await deliver()).toBe(1)
    const [first] = await sink.waitFor(1)
    expect(first?.parsed.subject).toBe('Daily payments digest: 0 posted, $0.00')
    expect(first?.parsed.text).toContain('No payments were posted')

    const lookup = await h.lookup(sandboxCards.oneFee)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)
    // Digest mode: no message per payment.
    expect(await deliver()).toBe(0)

    // Up to the minute before the digest time: nothing.
    const due = latestDigestAt(h.clock.now() + 11 * minute, digestMinutes)
    h.clock.advance(due - h.clock.now() - minute)
    expect(await deliver()).toBe(0)
    h.clock.advance(2 * minute)
    expect(await deliver()).toBe(1)
    expect(await deliver()).toBe(0)
    const digest = (await sink.waitFor(2))[1]
    expect(digest?.parsed.subject).toBe('Daily payments digest: 1 posted, $3.00')
    for (const part of [digest?.parsed.text ?? '', String(digest?.parsed.html)]) {
      expect(part).toContain('James Chen (jchen02)')
      expect(part).toContain(`kiosk:${kioskId}`)
      // Where it was paid, as the per-payment message says it.
      expect(part).toContain(`Kiosk ${kioskId}, `)
      expect(part).toContain('$3.00')
    }

    // The next day, at the same time, the next one (empty again).
    h.clock.advance(24 * 60 * minute - 2 * minute)
    expect(await deliver()).toBe(0)
    h.clock.advance(2 * minute)
    expect(await deliver()).toBe(1)
  })
})

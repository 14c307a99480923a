import { Writable } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  apiErrorSchema,
  healthSchema,
  kioskSettingsSchema,
  lookupResponseSchema,
} from '../../../common/api.ts'
import { startDemoService, type DemoService } from '../../../server/demoService.ts'
import { paymentExceptionKinds } from '../../../server/store/repository.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { payOnSandbox } from '../payments/harness.ts'
import { kioskClient, type KioskClient } from './client.ts'

/** The whole service over real HTTP: config, routes, auth, Alma client, store, worker, sandboxes. */
describe('server/service (the assembled companion service)', () => {
  let demo: DemoService
  let kiosk: KioskClient
  const logLines: string[] = []

  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'))
        callback()
      },
    })
    demo = await startDemoService({
      port: 0,
      quiet: false,
      serveRenderer: false,
      autoKioskKey: false,
      logStream,
    })
    kiosk = kioskClient(demo.url, demo.kioskKey)
  })
  afterAll(async () => {
    await demo.close()
  })
  beforeEach(() => {
    demo.alma.reset()
  })

  it('answers health, readiness and metrics', async () => {
    const health = healthSchema.parse(await (await fetch(`${demo.url}/healthz`)).json())
    expect(health.status).toBe('ok')
    expect((await fetch(`${demo.url}/readyz`)).status).toBe(200)
    const metrics = await (await fetch(`${demo.url}/metrics`)).text()
    expect(metrics).toContain('# TYPE kiosk_outbox_depth gauge')
    expect(metrics).toContain('kiosk_oldest_unposted_payment_age_seconds')
    for (const campus of demo.institutions) {
      for (const kind of paymentExceptionKinds) {
        expect(metrics).toContain(
          `kiosk_payment_exceptions_open{institution="${campus.code}",kind="${kind}"} 0`,
        )
      }
    }
  })

  it('keeps answering kiosks while the postback door is flooded with wrong secrets', async () => {
    const flood = Array.from({ length: 200 }, (_, i) =>
      fetch(`${demo.url}/cashnet/postback/guess-${i}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `result=0&pad=${'q'.repeat(15 * 1024)}`,
      }).then((response) => response.status),
    )
    const lookup = await kiosk.lookup(sandboxCards.oneFee)
    expect(lookup.totalCents).toBe(300)
    expect(new Set(await Promise.all(flood))).toEqual(new Set([403]))
    const metrics = await (await fetch(`${demo.url}/metrics`)).text()
    expect(metrics).toMatch(/kiosk_cashnet_postbacks_total\{outcome="rejected_secret"\} 200/)
  })

  it('refuses kiosk calls without a valid key', async () => {
    const none = await kioskClient(demo.url, null).call('GET', '/api/v1/kiosk-settings')
    expect(none.status).toBe(401)
    expect(apiErrorSchema.parse(none.body).error.code).toBe('unauthorized')
    const wrong = await kioskClient(demo.url, 'not-the-key').call('GET', '/api/v1/kiosk-settings')
    expect(wrong.status).toBe(401)
  })

  it('serves the central kiosk settings', async () => {
    const answer = await kiosk.call('GET', '/api/v1/kiosk-settings')
    expect(answer.status).toBe(200)
    const settings = kioskSettingsSchema.parse(answer.body)
    expect(settings.library.name).toBe('Demo University Library')
    expect(settings.languages).toEqual(['en', 'es'])
  })

  it('answers lookups with specific errors', async () => {
    const invalid = await kiosk.call('POST', '/api/v1/lookups', { cardNumber: 'abc' })
    expect([invalid.status, apiErrorSchema.parse(invalid.body).error.code]).toEqual([
      422,
      'invalid_card',
    ])
    const missing = await kiosk.call('POST', '/api/v1/lookups', {
      cardNumber: sandboxCards.notFound,
    })
    expect([missing.status, apiErrorSchema.parse(missing.body).error.code]).toEqual([
      404,
      'not_found',
    ])
    // Inactive accounts are refused by default (PAYMENT_REFUSED_FOR=inactive), with a reason.
    const inactive = await kiosk.call('POST', '/api/v1/lookups', {
      cardNumber: sandboxCards.inactive,
    })
    expect(inactive.status).toBe(403)
    const inactiveError = apiErrorSchema.parse(inactive.body).error
    expect(inactiveError.code).toBe('inactive')
    expect(inactiveError.reason).toBeTruthy()
    // Blocked and expired patrons can pay; the block and the expiry come back as notices.
    const blocked = await kiosk.call('POST', '/api/v1/lookups', {
      cardNumber: sandboxCards.blocked,
    })
    expect(blocked.status).toBe(200)
    expect(lookupResponseSchema.parse(blocked.body).patron.notices).toEqual([
      { kind: 'blocked', description: 'Blocked: overdue items' },
    ])
    const expired = await kiosk.call('POST', '/api/v1/lookups', {
      cardNumber: sandboxCards.expired,
    })
    expect(expired.status).toBe(200)
    expect(lookupResponseSchema.parse(expired.body).patron.notices[0]?.kind).toBe('expired')
    demo.alma.setFaults({ down: true })
    const down = await kiosk.call('POST', '/api/v1/lookups', { cardNumber: sandboxCards.oneFee })
    expect([down.status, apiErrorSchema.parse(down.body).error.code]).toEqual([
      503,
      'alma_unavailable',
    ])
  })

  it('validates checkout requests', async () => {
    const lookup = await kiosk.lookup(sandboxCards.severalFees)
    const tooSmall = await kiosk.call('POST', '/api/v1/checkouts', {
      lookupId: lookup.lookupId,
      amountCents: 50,
    })
    expect([tooSmall.status, apiErrorSchema.parse(tooSmall.body).error.code]).toEqual([
      422,
      'invalid_amount',
    ])
    const tooBig = await kiosk.call('POST', '/api/v1/checkouts', {
      lookupId: lookup.lookupId,
      amountCents: lookup.totalCents + 1,
    })
    expect(tooBig.status).toBe(422)
    const unknownLookup = await kiosk.call('POST', '/api/v1/checkouts', { lookupId: 'nope' })
    expect([unknownLookup.status, apiErrorSchema.parse(unknownLookup.body).error.code]).toEqual([
      410,
      'lookup_expired',
    ])
    const malformed = await kiosk.call('POST', '/api/v1/checkouts', { lookupId: 5 })
    expect(malformed.status).toBe(400)
    const unknownCheckout = await kiosk.call('GET', '/api/v1/checkouts/does-not-exist')
    expect(unknownCheckout.status).toBe(404)
  })

  it('takes a patron from card to posted receipt, one Alma payment per fee', async () => {
    const lookup = await kiosk.lookup(sandboxCards.severalFees)
    expect(lookup.patron.displayName).toBe('María G.')
    expect(lookup.totalCents).toBe(4275)
    expect(JSON.stringify(lookup)).not.toContain(
      demo.alma.primaryIdForCard(sandboxCards.severalFees),
    )

    const checkout = await kiosk.checkout({ lookupId: lookup.lookupId })
    expect(checkout.amountCents).toBe(4275)
    expect(checkout.lines).toHaveLength(3)
    expect(checkout.checkoutUrl.startsWith(demo.cashnet.storeUrl)).toBe(true)

    // The kiosk starts waiting before the patron pays, as the renderer does.
    const waiting = kiosk.state(checkout.checkoutId, { status: 'pending', seconds: 20 })
    const paid = await payOnSandbox(checkout.checkoutUrl)
    expect(paid.status).toBeLessThan(400)
    const changed = await waiting
    expect(changed.status).not.toBe('pending')

    const final = await kiosk.until(checkout.checkoutId, ['posted', 'posted_with_exceptions'])
    expect(final.status).toBe('posted')
    const tx = final.receipt?.transactionId
    expect(tx).toBeTruthy()
    expect(final.receipt?.remainingBalanceCents).toBe(0)
    expect(final.receipt?.lines.map((line) => line.remainingCents)).toEqual([0, 0, 0])

    const ledger = demo.alma.ledger().filter((payment) => payment.externalTransactionId === tx)
    expect(ledger.map((payment) => [payment.feeId, payment.amountCents]).sort()).toEqual(
      checkout.lines.map((line) => [line.feeId, line.amountCents]).sort(),
    )
    expect(ledger.every((payment) => payment.method === 'ONLINE')).toBe(true)

    const metrics = await (await fetch(`${demo.url}/metrics`)).text()
    expect(metrics).toMatch(/kiosk_cashnet_postbacks_total\{outcome="accepted"\} [1-9]/)
    expect(metrics).toMatch(/kiosk_alma_calls_total\{operation="payFee",status="200"\} [1-9]/)
    expect(metrics).toMatch(/kiosk_checkouts_total [1-9]/)
  })

  it('cancels a pending checkout', async () => {
    const lookup = await kiosk.lookup(sandboxCards.oneFee)
    const checkout = await kiosk.checkout({ lookupId: lookup.lookupId })
    const cancelled = await kiosk.call('POST', `/api/v1/checkouts/${checkout.checkoutId}/cancel`)
    expect(cancelled.status).toBe(200)
    expect((await kiosk.state(checkout.checkoutId)).status).toBe('cancelled')
  })

  it('keeps card numbers, names and secrets out of the log', () => {
    const log = logLines.join('')
    expect(log.length).toBeGreaterThan(0)
    for (const card of [sandboxCards.severalFees, sandboxCards.blocked]) {
      // Not inside a longer number (a timing such as 1.2000000005 is not a card number).
      expect(log).not.toMatch(new RegExp(`(?<![\\d.])${card}(?!\\d)`))
    }
    for (const secret of ['María', 'García', demo.kioskKey, demo.alma.apiKey]) {
      expect(log).not.toContain(secret)
    }
    expect(log).not.toMatch(/\/cashnet\/postback\/[0-9a-f]{16,}/)
  })
})

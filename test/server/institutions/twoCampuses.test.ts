/**
 * One service for two campuses (the demo's two institutions, each with its own sandbox Alma and
 * CashNet store): nothing of one ever reaches the other.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { apiErrorSchema, kioskSettingsSchema } from '../../../common/api.ts'
import { startDemoService, type DemoService } from '../../../server/demoService.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { postForm, successPostback } from '../payments/harness.ts'
import { kioskClient, type KioskClient } from '../service/client.ts'

describe('server/assemble: two institutions in one service', () => {
  let demo: DemoService
  let a: KioskClient
  let b: KioskClient

  beforeAll(async () => {
    demo = await startDemoService({
      port: 0,
      quiet: true,
      serveRenderer: false,
      autoKioskKey: false,
    })
    const [first, second] = demo.institutions
    if (!first || !second) throw new Error('two demo campuses')
    a = kioskClient(demo.url, first.kioskKey)
    b = kioskClient(demo.url, second.kioskKey)
  })
  afterAll(async () => {
    await demo.close()
  })
  beforeEach(() => {
    for (const campus of demo.institutions) campus.alma.reset()
  })
  const campus = (index: number) => {
    const found = demo.institutions[index]
    if (!found) throw new Error('two demo campuses')
    return found
  }

  it('looks each kiosk’s patrons up in its own institution’s Alma, with its own settings', async () => {
    await a.lookup(sandboxCards.oneFee)
    expect(campus(0).alma.callCounts()).toMatchObject({ getUser: 1, listFees: 1 })
    expect(campus(1).alma.callCounts()).toMatchObject({ getUser: 0, listFees: 0 })
    await b.lookup(sandboxCards.oneFee)
    expect(campus(1).alma.callCounts()).toMatchObject({ getUser: 1, listFees: 1 })

    const settingsA = kioskSettingsSchema.parse(
      (await a.call('GET', '/api/v1/kiosk-settings')).body,
    )
    const settingsB = kioskSettingsSchema.parse(
      (await b.call('GET', '/api/v1/kiosk-settings')).body,
    )
    expect([settingsA.library.name, settingsB.library.name]).toEqual([
      'Demo University Library',
      'Demo State University Library',
    ])
  })

  it('never lets one institution’s kiosk use another’s lookup or checkout', async () => {
    const lookup = await a.lookup(sandboxCards.severalFees)
    const stolenLookup = await b.call('POST', '/api/v1/checkouts', { lookupId: lookup.lookupId })
    expect([stolenLookup.status, apiErrorSchema.parse(stolenLookup.body).error.code]).toEqual([
      410,
      'lookup_expired',
    ])
    const checkout = await a.checkout({ lookupId: lookup.lookupId })
    for (const [method, path] of [
      ['GET', `/api/v1/checkouts/${checkout.checkoutId}`],
      ['POST', `/api/v1/checkouts/${checkout.checkoutId}/cancel`],
    ] as const) {
      const answer = await b.call(method, path)
      expect([answer.status, apiErrorSchema.parse(answer.body).error.code]).toEqual([
        404,
        'checkout_not_found',
      ])
    }
    expect((await a.state(checkout.checkoutId)).status).toBe('pending')
  })

  it('routes postbacks by their secret: another campus’s secret cannot pay this campus’s checkout', async () => {
    const lookup = await a.lookup(sandboxCards.oneFee)
    const checkout = await a.checkout({ lookupId: lookup.lookupId })
    const body = successPostback(checkout.checkoutId, '990000001', [300])

    // Campus B's store says it took money for campus A's checkout: B's exception, A untouched.
    const viaB = await postForm(postbackUrlOf(1), body)
    expect(viaB.status).toBe(200)
    expect((await a.state(checkout.checkoutId)).status).toBe('pending')
    const exceptionsB = await demo.service.repo.listExceptions({ institution: campus(1).code })
    expect(exceptionsB).toEqual([
      expect.objectContaining({ kind: 'unmatched_payment', tx: '990000001', checkoutId: null }),
    ])
    expect(await demo.service.repo.listExceptions({ institution: campus(0).code })).toEqual([])

    // Campus A's own secret pays it, and only campus A's Alma is paid.
    const viaA = await postForm(
      postbackUrlOf(0),
      successPostback(checkout.checkoutId, '990000002', [300]),
    )
    expect(viaA.status).toBe(200)
    const posted = await a.until(checkout.checkoutId, ['posted'], 15_000)
    expect(posted.status).toBe('posted')
    expect(
      campus(0)
        .alma.ledger()
        .map((payment) => payment.externalTransactionId),
    ).toEqual(['990000002'])
    expect(campus(1).alma.ledger()).toEqual([])
  })

  it('keeps each institution’s Alma rate limit to itself', async () => {
    // Forty lookups at campus A queue behind its 25/s limiter; campus B's lookup does not wait.
    const flood = Array.from({ length: 40 }, () => a.lookup(sandboxCards.oneFee))
    await new Promise((resolve) => setTimeout(resolve, 100))
    await b.lookup(sandboxCards.noFees)
    await Promise.all(flood)
    const startedB = campus(1)
      .alma.requests()
      .map((request) => request.startedAt)
    const startedA = campus(0)
      .alma.requests()
      .map((request) => request.startedAt)
    expect(startedA).toHaveLength(80)
    // B's calls went out while A's queue still held calls that had not started.
    expect(Math.max(...startedB)).toBeLessThan(Math.max(...startedA))
  })

  /** The postback URL CashNet of campus `index` posts to (its own secret). */
  function postbackUrlOf(index: number): string {
    return demo.postbackUrlOf(campus(index).code)
  }
})

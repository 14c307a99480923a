import { afterEach, describe, expect, it } from 'vitest'
import { sandboxCards } from '../../../../server/sandbox/alma/index.ts'
import {
  drainOutbox,
  kioskId,
  postForm,
  startHarness,
  successPostback,
  type Harness,
  type HarnessOptions,
} from '../harness.ts'

describe('server/payments/postback/ingest: forged and broken postbacks', () => {
  let h: Harness | undefined
  const start = async (options: HarnessOptions = {}) => {
    h = await startHarness(options)
    return h
  }
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  async function pendingCheckout(h: Harness, card: string = sandboxCards.severalFees) {
    const lookup = await h.lookup(card)
    return h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
  }

  /** Nothing reached Alma's pay endpoint, even after the worker ran. */
  async function expectNoAlmaPayment(h: Harness) {
    await drainOutbox(h)
    expect(h.sandboxAlma.ledger()).toEqual([])
    expect(h.sandboxAlma.requests().filter((r) => r.method === 'POST')).toEqual([])
  }

  it('rejects and keeps each kind of forgery; none reaches Alma', async () => {
    const h = await start()
    const created = await pendingCheckout(h)
    const amounts = created.lines.map((l) => l.amountCents)
    const good = successPostback(created.checkoutId, '900000001', amounts)

    const cases: [string, () => Promise<{ status: number }>, number, string][] = [
      [
        'wrong secret',
        () => postForm(`${h.baseUrl}/cashnet/postback/not-the-secret`, good),
        403,
        'rejected_secret',
      ],
      ['no secret', () => postForm(`${h.baseUrl}/cashnet/postback`, good), 403, 'rejected_secret'],
      [
        'unknown reference',
        () => postForm(h.postbackUrl, successPostback('no-such-checkout', '900000002', amounts)),
        422,
        'rejected_reference',
      ],
      [
        'amount mismatch',
        () => postForm(h.postbackUrl, successPostback(created.checkoutId, '900000003', [1, 2, 3])),
        422,
        'rejected_amount',
      ],
      [
        'malformed result',
        () => postForm(h.postbackUrl, good.replace('result=0', 'result=zero')),
        400,
        'rejected_malformed',
      ],
      [
        'not form encoded',
        () =>
          fetch(h.postbackUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ result: '0', tx: '900000004' }),
          }),
        400,
        'rejected_malformed',
      ],
      [
        'a field given twice with different values',
        () => postForm(h.postbackUrl, `${good}&tx=900000099`),
        400,
        'rejected_malformed',
      ],
      [
        'no tx',
        () => postForm(h.postbackUrl, good.replace('tx=900000001', 'tx=')),
        400,
        'rejected_malformed',
      ],
      [
        'oversized body',
        () => postForm(h.postbackUrl, `${good}&pad=${'x'.repeat(20 * 1024)}`),
        413,
        'rejected_oversized',
      ],
    ]
    for (const [name, send, status, outcome] of cases) {
      const answer = await send()
      expect({ name, status: answer.status }).toEqual({ name, status })
      expect({ name, outcome: h.outcomes.at(-1) }).toEqual({ name, outcome })
    }

    const kept = await h.repo.listPostbacks()
    expect(kept.map((p) => p.outcome)).toEqual(cases.map(([, , , outcome]) => outcome))
    expect(kept.every((p) => p.reason !== null && p.settledAt !== null)).toBe(true)
    const oversized = kept.at(-1)
    expect(oversized).toMatchObject({ truncated: true, method: 'POST' })
    expect(oversized?.bodyBytes).toBeGreaterThan(20 * 1024)
    expect(oversized?.rawBody).toHaveLength(16 * 1024)
    // The raw record is stored without the secret itself.
    expect(JSON.stringify(kept)).not.toContain(h.secret)

    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('pending')
    await expectNoAlmaPayment(h)
  })

  it('rejects a tx that already paid another checkout', async () => {
    const h = await start()
    const first = await pendingCheckout(h, sandboxCards.oneFee)
    const second = await pendingCheckout(h, sandboxCards.external)
    expect(
      (await postForm(h.postbackUrl, successPostback(first.checkoutId, '910000001', [300]))).status,
    ).toBe(200)
    const reused = await postForm(
      h.postbackUrl,
      successPostback(
        second.checkoutId,
        '910000001',
        second.lines.map((l) => l.amountCents),
      ),
    )
    expect(reused.status).toBe(409)
    expect(h.outcomes).toEqual(['accepted', 'rejected_tx_reused'])
    expect((await h.checkouts.getState(kioskId, second.checkoutId)).status).toBe('pending')
    await drainOutbox(h)
    expect(h.sandboxAlma.ledger().map((p) => p.externalTransactionId)).toEqual(['910000001'])
    const [, kept] = await h.repo.listPostbacks()
    expect(kept).toMatchObject({ outcome: 'rejected_tx_reused', checkoutId: second.checkoutId })
  })

  it('takes result≠0 as a failed payment, not as money: the checkout fails and Alma is untouched', async () => {
    const h = await start()
    const created = await pendingCheckout(h)
    const body = new URLSearchParams({
      result: '7',
      respmessage: 'Invalid expiration date',
      failedtx: '920000001',
      ref1type1: 'CHECKOUT_ID',
      ref1val1: created.checkoutId,
    })
    expect((await postForm(h.postbackUrl, body.toString())).status).toBe(200)
    expect(await h.checkouts.getState(kioskId, created.checkoutId)).toMatchObject({
      status: 'failed',
      message: 'Invalid expiration date',
    })
    const [kept] = await h.repo.listPostbacks()
    expect(kept).toMatchObject({ outcome: 'declined', tx: '920000001' })
    await expectNoAlmaPayment(h)
  })

  it('refuses a source address outside the allowlist, and believes X-Forwarded-For only behind a trusted proxy', async () => {
    const h = await start({ allowedIps: ['34.195.213.231', '40.90.247.0/24'] })
    const created = await pendingCheckout(h, sandboxCards.oneFee)
    const body = successPostback(created.checkoutId, '930000001', [300])
    const spoofed = await postForm(h.postbackUrl, body, { 'x-forwarded-for': '34.195.213.231' })
    expect(spoofed.status).toBe(403)
    const [kept] = await h.repo.listPostbacks()
    expect(kept).toMatchObject({ outcome: 'rejected_ip', sourceIp: '127.0.0.1' })
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('pending')
    await expectNoAlmaPayment(h)
  })

  it('accepts an allowed CashNet address named by a trusted proxy’s last X-Forwarded-For hop', async () => {
    const h = await start({ allowedIps: ['40.90.247.0/24'], trustProxy: true })
    const created = await pendingCheckout(h, sandboxCards.oneFee)
    const body = successPostback(created.checkoutId, '940000001', [300])
    // The first hop is whatever the sender wrote; only the proxy's own (last) entry counts.
    const forged = await postForm(h.postbackUrl, body, {
      'x-forwarded-for': '40.90.247.249, 203.0.113.9',
    })
    expect(forged.status).toBe(403)
    const real = await postForm(h.postbackUrl, body, {
      'x-forwarded-for': '203.0.113.9, 40.90.247.249',
    })
    expect(real.status).toBe(200)
    expect(h.outcomes).toEqual(['rejected_ip', 'accepted'])
    const kept = await h.repo.listPostbacks()
    expect(kept.map((p) => p.sourceIp)).toEqual(['203.0.113.9', '40.90.247.249'])
  })

  it('accepts a GET postback with the fields in the query, names in any case, reference in any ref field', async () => {
    const h = await start()
    const created = await pendingCheckout(h, sandboxCards.oneFee)
    const query = new URLSearchParams({
      RESULT: '0',
      TX: '950000001',
      ItemCnt: '1',
      AMOUNT1: '3.00',
      Ref1Type1: 'SOMETHING_ELSE',
      Ref1Val1: 'unrelated',
      REF2VAL1: created.checkoutId,
    })
    const response = await fetch(`${h.postbackUrl}?${query.toString()}`)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('OK')
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('paid')
    const [kept] = await h.repo.listPostbacks()
    expect(kept).toMatchObject({ method: 'GET', rawBody: null, outcome: 'accepted' })
    expect(kept?.rawQuery).toContain('REF2VAL1=')
  })
})

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

  it('rejects and keeps each kind of forgery or unreadable request; none reaches Alma', async () => {
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
        'malformed result',
        () => postForm(h.postbackUrl, good.replace('result=0', 'result=zero')),
        400,
        'rejected_malformed',
      ],
      [
        'result that only looks like success',
        () => postForm(h.postbackUrl, good.replace('result=0', 'result=00')),
        200,
        'declined',
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

    // Wrong secrets and bodies that are not forms leave only a small record, never their body.
    expect(
      (await h.repo.listRefusedRequests()).map((r) => [r.reason, r.contentType]).reverse(),
    ).toEqual([
      ['wrong_secret', 'application/x-www-form-urlencoded'],
      ['wrong_secret', 'application/x-www-form-urlencoded'],
      ['not_a_form', 'application/json'],
    ])
    const kept = await h.repo.listPostbacks()
    const stored = cases.filter(
      ([name]) => !['wrong secret', 'no secret', 'not form encoded'].includes(name),
    )
    expect(kept.map((p) => p.outcome)).toEqual(stored.map(([, , , outcome]) => outcome))
    expect(kept.every((p) => p.reason !== null || p.outcome === 'declined')).toBe(true)
    expect(kept.every((p) => p.settledAt !== null)).toBe(true)
    const oversized = kept.at(-1)
    expect(oversized).toMatchObject({ truncated: true, method: 'POST' })
    expect(oversized?.bodyBytes).toBeGreaterThan(20 * 1024)
    expect(oversized?.rawBody).toHaveLength(16 * 1024)
    // The raw record is stored without the secret itself.
    expect(JSON.stringify(kept)).not.toContain(h.secret)
    // Forgeries and requests that claim no payment are not money: no exception for staff.
    expect(await h.repo.listExceptions()).toEqual([])

    // result=00 is not success: the checkout failed, as for any decline.
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('failed')
    await expectNoAlmaPayment(h)
  })

  it('keeps money CashNet took that matches no checkout, or matches one wrongly, as one open exception each', async () => {
    const h = await start()
    const created = await pendingCheckout(h)
    const other = await pendingCheckout(h, sandboxCards.oneFee)
    const amounts = created.lines.map((l) => l.amountCents)
    const total = amounts.reduce((sum, cents) => sum + cents, 0)
    const post = (body: string) => postForm(h.postbackUrl, body)
    const success = (tx: string, extra: Record<string, string> = {}) =>
      successPostback(created.checkoutId, tx, amounts, extra)

    const cases: [string, string, string, number | null, string][] = [
      [
        'unknown reference',
        '960000001',
        successPostback('no-such-checkout', '960000001', amounts),
        total,
        'no known checkout',
      ],
      [
        'no reference at all',
        '960000002',
        success('960000002').replace(/&ref1type1=[^&]*&ref1val1=[^&]*/, ''),
        total,
        'no known checkout',
      ],
      [
        'references naming two checkouts',
        '960000003',
        success('960000003', { ref2type1: 'CHECKOUT_ID', ref2val1: other.checkoutId }),
        total,
        'references name more than one checkout',
      ],
      [
        'amount mismatch',
        '960000004',
        successPostback(created.checkoutId, '960000004', [1, 2, 3]),
        6,
        `amount 6 ≠ checkout ${total} (cents)`,
      ],
      [
        'malformed amounts',
        '960000005',
        success('960000005', { amount1: '12.5.0' }),
        null,
        'successful payment that cannot be read: amount1 is not an amount',
      ],
      [
        'a field given twice with different values',
        '960000006',
        `${success('960000006')}&tx=960000099`,
        null,
        'successful payment that cannot be read: field "tx" appears twice with different values',
      ],
      [
        'no amount fields',
        '960000007',
        success('960000007').replace(/&amount\d=[^&]*/g, ''),
        null,
        'no amount fields',
      ],
      [
        'item codes other than the ones sent',
        '960000008',
        successPostback(
          created.checkoutId,
          '960000008',
          amounts.map((amountCents) => ({ amountCents, itemCode: 'SOMETHING-ELSE' })),
        ),
        total,
        'item codes SOMETHING-ELSE,SOMETHING-ELSE,SOMETHING-ELSE differ from LIB-FINE,LIB-FINE,LIB-LOST',
      ],
    ]
    for (const [name, , body] of cases) {
      const answer = await post(body)
      expect({ name, status: answer.status, outcome: h.outcomes.at(-1) }).toEqual({
        name,
        status: 200,
        outcome: 'unmatched',
      })
      // CashNet repeats a postback it thinks failed: still one exception.
      await post(body)
    }
    const noTx = await post(success('x').replace('tx=x', 'tx='))
    expect(noTx.status).toBe(200)

    const exceptions = await h.repo.listExceptions()
    expect(exceptions.map((e) => [e.kind, e.tx, e.amountCents, e.reason, e.resolvedAt])).toEqual([
      ...cases.map(([, tx, , cents, reason]) => ['unmatched_payment', tx, cents, reason, null]),
      [
        'unmatched_payment',
        null,
        null,
        'successful payment that cannot be read: tx: is not a CashNet transaction number',
        null,
      ],
    ])
    expect(exceptions.every((e) => e.postbackId !== null)).toBe(true)
    expect((await h.repo.countOpenExceptions(h.institution)).unmatched_payment).toBe(
      cases.length + 1,
    )
    expect((await h.checkouts.getState(kioskId, created.checkoutId)).status).toBe('pending')
    await expectNoAlmaPayment(h)
  })

  it('keeps a tx that already paid another checkout as an unmatched payment', async () => {
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
    expect(reused.status).toBe(200)
    expect(h.outcomes).toEqual(['accepted', 'unmatched'])
    expect((await h.checkouts.getState(kioskId, second.checkoutId)).status).toBe('pending')
    await drainOutbox(h)
    expect(h.sandboxAlma.ledger().map((p) => p.externalTransactionId)).toEqual(['910000001'])
    const [, kept] = await h.repo.listPostbacks()
    expect(kept).toMatchObject({ outcome: 'unmatched', checkoutId: second.checkoutId })
    expect(await h.repo.listExceptions()).toEqual([
      expect.objectContaining({
        kind: 'unmatched_payment',
        checkoutId: second.checkoutId,
        tx: '910000001',
        amountCents: 840,
      }),
    ])
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
    expect(h.outcomes).toEqual(['rejected_ip'])
    expect(await h.repo.listPostbacks()).toEqual([])
    const [refused] = await h.repo.listRefusedRequests()
    expect(refused).toMatchObject({ reason: 'address_not_allowed', sourceIp: '127.0.0.1' })
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
    expect(kept.map((p) => p.sourceIp)).toEqual(['40.90.247.249'])
    expect((await h.repo.listRefusedRequests()).map((r) => r.sourceIp)).toEqual(['203.0.113.9'])
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

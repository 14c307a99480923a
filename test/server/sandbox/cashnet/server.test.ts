import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cashnetPostbackPath, serviceUrl } from '../../../../common/cashnet.ts'
import {
  startSandboxCashnet,
  type SandboxCashnet,
} from '../../../../server/sandbox/cashnet/index.ts'
import { checkoutQuery, openPage, signout, startReceiver, submit } from './support.ts'

describe('server/sandbox/cashnet', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let cashnet: SandboxCashnet

  beforeEach(async () => {
    receiver = await startReceiver()
    cashnet = await startSandboxCashnet({ postbackUrl: receiver.url, storeName: 'LIBTEST' })
  })
  afterEach(async () => {
    await cashnet.close()
    await receiver.close()
  })

  it('renders the hosted checkout: lines, total, prefilled test card, Pay and Cancel, framable', async () => {
    const { response, html } = await openPage(cashnet)
    expect(cashnet.storeUrl).toBe(`${cashnet.origin}/LIBTEST`)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-frame-options')).toBeNull()
    expect(response.headers.get('content-security-policy')).toBeNull()
    expect(html).toContain('Overdue fine')
    expect(html).toContain('Lost item &lt;replacement&gt; fee')
    expect(html).toContain('$12.50')
    expect(html).toContain('$37.50')
    expect(html).toMatch(/<label for="card">Card number<\/label>/)
    expect(html).toContain('value="4111 1111 1111 1111"')
    expect(html).toMatch(/<button type="submit" class="pay" name="action" value="pay">Pay \$37\.50/)
    expect(html).toMatch(/<button type="submit" class="cancel" name="action" value="cancel">Cancel/)
  })

  it('refuses a checkout link that is missing what CashNet needs', async () => {
    for (const query of [
      checkoutQuery({ amount2: 'abc' }),
      checkoutQuery({ itemcnt: '3' }),
      checkoutQuery({ signouturl: 'javascript:alert(1)' }),
    ]) {
      expect((await openPage(cashnet, query)).response.status).toBe(400)
    }
  })

  it('on Pay sends the server-to-server postback, then returns the browser by GET', async () => {
    const { action } = await openPage(cashnet)
    const paid = await submit(action, { action: 'pay', card: '4111 1111 1111 1111' })
    expect(paid.status).toBe(302)
    expect(paid.headers.get('x-frame-options')).toBeNull()
    const back = new URL(paid.headers.get('location') ?? '')
    expect(back.origin + back.pathname).toBe(signout)

    expect(receiver.received).toHaveLength(1)
    const postback = Object.fromEntries(receiver.received[0] ?? [])
    const [transaction] = cashnet.transactions()
    expect(postback).toMatchObject({
      result: '0',
      respmessage: 'SUCCESS',
      tx: transaction?.tx,
      itemcnt: '2',
      itemcode1: 'LIB-FINE',
      amount1: '12.50',
      desc1: 'Overdue fine',
      itemcode2: 'LIB-LOST',
      amount2: '25.00',
      ref1type1: 'CHECKOUT_ID',
      ref1val1: 'checkout-123',
      custcode: 'LIBRARY',
      pmtcode: 'CC',
    })
    expect(postback.batchno).toMatch(/^\d+$/)
    expect(back.searchParams.get('result')).toBe('0')
    expect(back.searchParams.get('tx')).toBe(transaction?.tx)
    expect(back.searchParams.get('ref1val1')).toBe('checkout-123')
    expect(transaction).toMatchObject({
      outcome: 'paid',
      amountCents: 3750,
      postbacks: [{ status: 200, error: null }],
    })

    // The session is spent: a second Pay does not charge again.
    expect((await submit(action, { action: 'pay', card: '4111111111111111' })).status).toBe(410)
    expect(receiver.received).toHaveLength(1)
  })

  it('gives every payment a new tx', async () => {
    const first = await openPage(cashnet)
    await submit(first.action, { action: 'pay', card: '4111111111111111' })
    const second = await openPage(cashnet)
    await submit(second.action, { action: 'pay', card: '4111111111111111' })
    const [a, b] = cashnet.transactions()
    expect(a?.tx).not.toBe(b?.tx)
  })

  it('declines the decline card with a non-zero result, respmessage and failedtx', async () => {
    const { action } = await openPage(cashnet)
    const declined = await submit(action, { action: 'pay', card: '4000 0000 0000 0002' })
    const postback = Object.fromEntries(receiver.received[0] ?? [])
    expect(postback).toMatchObject({ result: '230', respmessage: 'DECLINED' })
    expect(postback.failedtx).toMatch(/^\d+$/)
    expect(postback.tx).toBeUndefined()
    expect(new URL(declined.headers.get('location') ?? '').searchParams.get('result')).toBe('230')
    expect(cashnet.transactions()[0]?.outcome).toBe('declined')
  })

  it('on Cancel returns with result 902 and sends no postback', async () => {
    const { action } = await openPage(cashnet)
    const cancelled = await submit(action, { action: 'cancel', card: '' })
    const back = new URL(cancelled.headers.get('location') ?? '')
    expect(back.searchParams.get('result')).toBe('902')
    expect(back.searchParams.get('ref1val1')).toBe('checkout-123')
    expect(receiver.received).toEqual([])
    expect(cashnet.transactions()).toMatchObject([
      { outcome: 'cancelled', tx: null, postbacks: [] },
    ])
  })

  it('asks again for an unreadable card number without charging', async () => {
    const { action } = await openPage(cashnet)
    const again = await submit(action, { action: 'pay', card: '1234' })
    expect(again.status).toBe(422)
    expect(await again.text()).toMatch(/role="alert"/)
    expect(receiver.received).toEqual([])
    // The session is still open for a proper card.
    expect((await submit(action, { action: 'pay', card: '4111111111111111' })).status).toBe(302)
  })

  it('returns by POST with an auto-submitting form when configured', async () => {
    cashnet.setOptions({ returnMethod: 'POST' })
    const { action } = await openPage(cashnet)
    const paid = await submit(action, { action: 'pay', card: '4111111111111111' })
    expect(paid.status).toBe(200)
    const html = await paid.text()
    expect(html).toContain(`<form id="return" method="post" action="${signout}">`)
    expect(html).toContain('<input type="hidden" name="result" value="0">')
    expect(html).toContain(`name="tx" value="${cashnet.transactions()[0]?.tx ?? ''}"`)
    expect(html).toContain('.submit()')
  })

  it('duplicates and delays postbacks on request; settled() waits for them', async () => {
    cashnet.setOptions({ duplicatePostbacks: 2, postbackDelayMs: 150 })
    const { action } = await openPage(cashnet)
    const paid = await submit(action, { action: 'pay', card: '4111111111111111' })
    expect(paid.status).toBe(302)
    // The browser is back before the delayed postback was sent.
    expect(receiver.received).toEqual([])
    await cashnet.settled()
    expect(receiver.received).toHaveLength(3)
    const txs = new Set(receiver.received.map((fields) => fields.get('tx')))
    expect(txs.size).toBe(1)
    expect(cashnet.transactions()[0]?.postbacks.map((p) => p.status)).toEqual([200, 200, 200])
  })

  it('records a postback that found nobody listening', async () => {
    cashnet.setOptions({ postbackUrl: serviceUrl('http://127.0.0.1:9', cashnetPostbackPath('x')) })
    const { action } = await openPage(cashnet)
    await submit(action, { action: 'pay', card: '4111111111111111' })
    const [attempt] = cashnet.transactions()[0]?.postbacks ?? []
    expect(attempt?.status).toBeNull()
    expect(attempt?.error).toMatch(/fetch failed|ECONNREFUSED/)
  })
})

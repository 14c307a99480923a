import Fastify, { type FastifyInstance } from 'fastify'
import { createTransport } from 'nodemailer'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cashnetPaths, cashnetPostbackPath, serviceUrl } from '../../../common/cashnet.ts'
import { registerDemoControls, sandboxControlPaths } from '../../../server/demo/controls.ts'
import { freeLoopbackPort } from '../../../server/demo/freePort.ts'
import {
  sandboxCards,
  startSandboxAlma,
  type SandboxAlma,
} from '../../../server/sandbox/alma/index.ts'
import { startSandboxCashnet, type SandboxCashnet } from '../../../server/sandbox/cashnet/index.ts'
import { startSandboxMail, type SandboxMail } from '../../../server/sandbox/mail/index.ts'
import { checkoutQuery, submit } from '../sandbox/cashnet/support.ts'

/** The demo's control routes on a Fastify app of their own, steering real sandboxes over HTTP. */
describe('server/demo/controls', () => {
  let app: FastifyInstance
  let baseUrl: string
  const payLinksAsked: string[] = []
  let alma: SandboxAlma
  let cashnet: SandboxCashnet
  let mail: SandboxMail
  const postbacks: string[] = []
  const state = { apiDown: false, settingsOverride: {} as Record<string, unknown> }

  async function control(path: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    const text = await response.text()
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) }
  }

  async function payOneFee(signal?: AbortSignal) {
    const primaryId = alma.primaryIdForCard(sandboxCards.oneFee)
    const headers = { authorization: `apikey ${alma.apiKey}` }
    const list = (await (
      await fetch(`${alma.url}/almaws/v1/users/${primaryId}/fees`, { headers })
    ).json()) as { fee: { id: string }[] }
    const feeId = list.fee[0]?.id ?? ''
    return fetch(
      `${alma.url}/almaws/v1/users/${primaryId}/fees/${feeId}?op=pay&amount=1.00&method=ONLINE`,
      { method: 'POST', headers, ...(signal ? { signal } : {}) },
    )
  }

  async function payOnCashnet() {
    const page = await fetch(`${cashnet.storeUrl}?${checkoutQuery()}`)
    const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1] ?? ''
    return submit(new URL(action, cashnet.storeUrl).toString(), {
      action: 'pay',
      card: '4111111111111111',
    })
  }

  beforeAll(async () => {
    alma = await startSandboxAlma({ maxRequestsPerSecond: 1_000 })
    app = Fastify({ logger: false })
    // A stand-in for the service's postback route: records what CashNet sends.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, body)
      },
    )
    app.post(`${cashnetPaths.postback}/:secret`, (request, reply) => {
      postbacks.push(String(request.body))
      return reply.send('OK')
    })
    // CashNet needs the app's URL and the app its routes before it listens, as in the demo.
    const port = await freeLoopbackPort()
    baseUrl = `http://127.0.0.1:${port}`
    const cashnetDefaults = { postbackUrl: serviceUrl(baseUrl, cashnetPostbackPath('s3cret')) }
    cashnet = await startSandboxCashnet(cashnetDefaults)
    mail = await startSandboxMail()
    registerDemoControls(app, {
      alma,
      cashnet,
      mail,
      state,
      cashnetDefaults,
      payLinkFor: (cardNumber) => {
        payLinksAsked.push(cardNumber)
        return Promise.resolve(`${baseUrl}/pay/l/${'t'.repeat(43)}`)
      },
    })
    await app.listen({ port, host: '127.0.0.1' })
  })
  afterEach(async () => {
    expect((await control(sandboxControlPaths.reset, {})).status).toBe(204)
    postbacks.length = 0
  })
  afterAll(async () => {
    await app.close()
    await cashnet.close()
    await alma.close()
    await mail.close()
  })

  describe('bodies', () => {
    it.each([
      [sandboxControlPaths.alma, { latencyMs: -1 }, /^latencyMs: /],
      [sandboxControlPaths.alma, { payDelay: 5 }, /^body: .*payDelay/],
      [sandboxControlPaths.almaFailPays, { answer: 'explode' }, /^answer: /],
      [sandboxControlPaths.almaFailPays, { answer: 'error500', count: 0 }, /^count: /],
      [sandboxControlPaths.almaHold, { kind: 'deleteUser' }, /^kind: /],
      [sandboxControlPaths.almaHoldArrived, { kind: 'payFee', timeoutMs: 600_000 }, /^timeoutMs/],
      [sandboxControlPaths.cashnetHold, { now: true }, /^body: /],
      [sandboxControlPaths.cashnet, { returnMethod: 'PUT' }, /^returnMethod: /],
      [sandboxControlPaths.service, {}, /^apiDown: /],
      [sandboxControlPaths.settings, ['not', 'an', 'object'], /^body: /],
      [sandboxControlPaths.payLink, {}, /^cardNumber: /],
    ])('%s refuses %j with 400 and what is wrong', async (path, body, message) => {
      const answer = await control(path, body)
      expect(answer.status).toBe(400)
      expect((answer.body as { error: string }).error).toMatch(message)
    })
  })

  it('makes a pay link for a seed card’s patron', async () => {
    const answer = await control(sandboxControlPaths.payLink, { cardNumber: '2000000001' })
    expect(answer.status).toBe(201)
    expect(answer.body).toEqual({ url: `${baseUrl}/pay/l/${'t'.repeat(43)}` })
    expect(payLinksAsked).toEqual(['2000000001'])
  })

  describe('mail', () => {
    it('lists what the sandbox mail server received over SMTP, until reset', async () => {
      const transport = createTransport({ url: mail.url })
      await transport.sendMail({
        from: 'library@example.edu',
        to: 'jane@example.edu',
        subject: 'Your payment receipt',
        text: 'Paid',
      })
      transport.close()
      const received = async () =>
        (await fetch(`${baseUrl}${sandboxControlPaths.mail}`)).json() as Promise<unknown>
      expect(await received()).toEqual([
        { to: ['jane@example.edu'], subject: 'Your payment receipt' },
      ])
      expect((await control(sandboxControlPaths.reset, {})).status).toBe(204)
      expect(await received()).toEqual([])
    })
  })

  describe('Alma', () => {
    it('sets a pay delay and planned failures, and reports calls by kind', async () => {
      expect((await control(sandboxControlPaths.alma, { payDelayMs: 1 })).status).toBe(204)
      const plan = { answer: 'error503', count: 1, applied: false }
      expect((await control(sandboxControlPaths.almaFailPays, plan)).status).toBe(204)
      expect((await payOneFee()).status).toBe(503)
      expect((await payOneFee()).status).toBe(200)
      const calls: unknown = await (
        await fetch(`${baseUrl}${sandboxControlPaths.almaCalls}`)
      ).json()
      expect(calls).toEqual({ getUser: 0, listFees: 2, getFee: 0, payFee: 2, other: 0 })
      expect(alma.ledger()).toHaveLength(1)
    })

    it('holds a kind of call, waits for it to arrive, then releases it', async () => {
      expect((await control(sandboxControlPaths.almaHold, { kind: 'payFee' })).status).toBe(204)
      expect((await control(sandboxControlPaths.almaHold, { kind: 'payFee' })).status).toBe(409)
      const paying = payOneFee()
      expect((await control(sandboxControlPaths.almaHoldArrived, { kind: 'payFee' })).status).toBe(
        204,
      )
      expect(alma.ledger()).toEqual([])
      expect((await control(sandboxControlPaths.almaHoldRelease, { kind: 'payFee' })).status).toBe(
        204,
      )
      expect(alma.ledger()).toHaveLength(1)
      expect((await paying).status).toBe(200)
      // Released: there is nothing held of that kind any more.
      expect((await control(sandboxControlPaths.almaHoldRelease, { kind: 'payFee' })).status).toBe(
        409,
      )
    })

    it('answers 408 when nothing arrives in time, 409 when nothing is held', async () => {
      expect((await control(sandboxControlPaths.almaHoldArrived, { kind: 'getFee' })).status).toBe(
        409,
      )
      await control(sandboxControlPaths.almaHold, { kind: 'getFee' })
      const late = await control(sandboxControlPaths.almaHoldArrived, {
        kind: 'getFee',
        timeoutMs: 30,
      })
      expect(late.status).toBe(408)
      expect((late.body as { error: string }).error).toMatch(/1 Alma getFee call/)
    })
  })

  describe('CashNet', () => {
    it('holds postbacks while the browser returns, then releases them', async () => {
      expect((await control(sandboxControlPaths.cashnetHold)).status).toBe(204)
      expect((await payOnCashnet()).status).toBe(302)
      expect((await control(sandboxControlPaths.cashnetHoldArrived, {})).status).toBe(204)
      expect(postbacks).toEqual([])
      expect((await control(sandboxControlPaths.cashnetHoldRelease)).status).toBe(204)
      expect(postbacks).toHaveLength(1)
      expect(new URLSearchParams(postbacks[0]).get('tx')).toBe(cashnet.transactions().at(-1)?.tx)
    })

    it('reset drops a held postback and the hold', async () => {
      await control(sandboxControlPaths.cashnetHold)
      await payOnCashnet()
      await control(sandboxControlPaths.cashnetHoldArrived, { count: 1 })
      expect((await control(sandboxControlPaths.reset)).status).toBe(204)
      expect((await control(sandboxControlPaths.cashnetHoldRelease)).status).toBe(409)
      await cashnet.settled()
      expect(postbacks).toEqual([])
      expect(cashnet.transactions().at(-1)?.postbacks).toMatchObject([{ error: /^dropped/ }])
    })

    it('changes CashNet options until reset', async () => {
      expect((await control(sandboxControlPaths.cashnet, { returnMethod: 'POST' })).status).toBe(
        204,
      )
      expect((await payOnCashnet()).status).toBe(200)
      await control(sandboxControlPaths.reset, {})
      expect((await payOnCashnet()).status).toBe(302)
    })
  })
})

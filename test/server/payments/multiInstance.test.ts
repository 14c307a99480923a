/**
 * Two service instances (two assembled services, each with its own HTTP server, worker, clock and
 * connections) on one PostgreSQL database, one sandbox Alma: the guarantees hold across them.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  payApiPaths,
  payCheckoutCreatedSchema,
  payCheckoutStateSchema,
  payErrorSchema,
  payFeesSchema,
  paySessionInfoSchema,
} from '../../../common/payApi.ts'
import {
  sandboxCards,
  startSandboxAlma,
  type SandboxAlma,
  type SandboxAlmaOptions,
} from '../../../server/sandbox/alma/index.ts'
import { PayBrowser, payLinkFor } from '../pay/payBrowser.ts'
import { testDatabase } from '../store/postgres/testDatabase.ts'
import {
  drainOutbox,
  expectPaidExactlyOnce,
  kioskId,
  maxStartsInAnySecond,
  postForm,
  startHarness,
  successPostback,
  type Harness,
  type HarnessOptions,
} from './harness.ts'

const database = await testDatabase()
const crashingWorker = fileURLToPath(new URL('./fixtures/crashAfterPayFee.ts', import.meta.url))

interface TwoInstances {
  a: Harness
  b: Harness
  sandboxAlma: SandboxAlma
  databaseUrl: string
}

let schemas = 0
let nextTx = 700_000_000
let running: (() => Promise<void>) | null = null

/** Both instances started at the same moment on an empty schema (they migrate it once). */
async function twoInstances(
  options: HarnessOptions & { alma?: SandboxAlmaOptions } = {},
): Promise<TwoInstances> {
  if (!database.available) throw new Error('no database')
  const databaseUrl = `${database.url}?schema=multi_${++schemas}`
  const sandboxAlma = await startSandboxAlma(options.alma)
  const shared: HarnessOptions = {
    ...options,
    databaseUrl,
    sharedSandboxAlma: sandboxAlma,
    secret: randomBytes(24).toString('hex'),
    kioskKey: randomBytes(24).toString('hex'),
  }
  const [a, b] = await Promise.all([startHarness(shared), startHarness(shared)])
  await Promise.all([a.service.statusChannel?.listening(), b.service.statusChannel?.listening()])
  running = async () => {
    await Promise.all([a.close(), b.close()])
    await sandboxAlma.close()
  }
  return { a, b, sandboxAlma, databaseUrl }
}

/** A pay-all checkout made at `at`; answers it with the tx CashNet will report. */
async function checkoutAt(at: Harness, cardNumber: string) {
  const lookup = await at.lookup(cardNumber)
  const created = await at.checkouts.create(kioskId, { lookupId: lookup.lookupId })
  return { ...created, tx: String(nextTx++) }
}

function postbackFor(checkout: Awaited<ReturnType<typeof checkoutAt>>): string {
  return successPostback(
    checkout.checkoutId,
    checkout.tx,
    checkout.lines.map((line) => line.amountCents),
  )
}

describe.skipIf(!database.available)('two instances on one PostgreSQL database', () => {
  afterEach(async () => {
    await running?.()
    running = null
  })

  it('wakes a kiosk waiting on instance A when instance B records the payment and posts it', async () => {
    // The waiting kiosk's safety-net re-read is 10 s: only a notification can wake it in time.
    const { a, b } = await twoInstances({ checkoutWaitPollMs: 10_000 })
    const checkout = await checkoutAt(a, sandboxCards.severalFees)

    const paid = a.checkouts.waitForChange(kioskId, checkout.checkoutId, 'pending', 5_000)
    const answer = await postForm(b.postbackUrl, postbackFor(checkout))
    const answeredAt = performance.now()
    expect(answer.status).toBe(200)
    expect((await paid).status).toBe('paid')
    expect(performance.now() - answeredAt).toBeLessThan(250)

    const posted = a.checkouts.waitForChange(kioskId, checkout.checkoutId, 'paid', 5_000)
    await drainOutbox(b)
    const postedAt = performance.now()
    expect((await posted).status).toBe('posted')
    expect(performance.now() - postedAt).toBeLessThan(250)
  })

  it('posts once per line when postbacks and 8 duplicates reach both instances at once, with both workers running', async () => {
    const { a, b, sandboxAlma } = await twoInstances()
    const checkouts = [
      await checkoutAt(a, sandboxCards.severalFees),
      await checkoutAt(b, sandboxCards.oneFee),
      await checkoutAt(a, sandboxCards.manyFees),
      await checkoutAt(b, sandboxCards.unicode),
    ]
    const sends = checkouts.flatMap((checkout, index) => {
      const body = postbackFor(checkout)
      // Each postback to both instances at once, and the first one 8 more times across them.
      const copies = index === 0 ? 10 : 2
      return Array.from({ length: copies }, (_, copy) =>
        postForm((copy % 2 === 0 ? a : b).postbackUrl, body),
      )
    })
    const answers = await Promise.all(sends)
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200))
    const outcomes = [...a.outcomes, ...b.outcomes]
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(4)
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(sends.length - 4)

    await Promise.all([drainOutbox(a), drainOutbox(b)])
    expectPaidExactlyOnce(sandboxAlma, checkouts)
    for (const checkout of checkouts) {
      expect((await a.checkouts.getState(kioskId, checkout.checkoutId)).status).toBe('posted')
    }
  })

  it('takes over the lines of an instance killed with SIGKILL while a pay was out, after the settle window', async () => {
    const { a, b, sandboxAlma, databaseUrl } = await twoInstances()
    const checkout = await checkoutAt(a, sandboxCards.severalFees)
    expect((await postForm(a.postbackUrl, postbackFor(checkout))).status).toBe(200)

    // A third instance's worker claims the lines, pays, and dies the moment Alma accepted.
    const child = spawn(
      process.execPath,
      [crashingWorker, databaseUrl, sandboxAlma.url, sandboxAlma.apiKey],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exit = await new Promise<{ signal: string | null }>((resolve) => {
      child.on('exit', (_code, signal) => {
        resolve({ signal })
      })
    })
    expect({ ...exit, stderr: stderr.replace(/^.*ExperimentalWarning.*$/gm, '').trim() }).toEqual({
      signal: 'SIGKILL',
      stderr: '',
    })
    const landed = sandboxAlma.ledger().length
    expect(landed).toBeGreaterThanOrEqual(1)
    // Every line still pending and held by the dead worker; each pay that went out is on record
    // (the worker records an attempt before it sends it).
    const before = await b.repo.listPostings(checkout.checkoutId)
    expect(before.map((p) => [p.status, p.leaseOwner])).toEqual(
      Array(3).fill(['pending', 'doomed-worker']),
    )
    const payCalls = () => sandboxAlma.requests().filter((r) => r.method === 'POST').length
    const sent = payCalls()
    expect(before.reduce((sum, p) => sum + p.attempts, 0)).toBeGreaterThanOrEqual(sent)

    const attempted = before.filter((p) => p.attempts > 0).length
    // Past the dead worker's lease, A takes over: a line never sent is paid now, but a line whose
    // pay was out waits out its settle window (nobody knows yet whether Alma applied it)…
    a.clock.advance(20_000)
    await a.worker.runOnce()
    expect(payCalls()).toBe(sent + (3 - attempted))
    expect(
      (await a.repo.listPostings(checkout.checkoutId)).filter((p) => p.status === 'pending'),
    ).toHaveLength(attempted)
    // …then B, past the window, finds each landed payment instead of repeating it.
    b.clock.advance(200_000)
    await drainOutbox(b)
    expectPaidExactlyOnce(sandboxAlma, [checkout])
    const after = await b.repo.listPostings(checkout.checkoutId)
    expect(after.every((p) => p.status === 'posted')).toBe(true)
    expect(after.filter((p) => p.foundInAlma)).toHaveLength(landed)
  })

  it('honours a patron’s pay session on instance B that a pay link opened on instance A', async () => {
    const { a, b } = await twoInstances()
    const onA = new PayBrowser(a.baseUrl)
    expect((await onA.enter((await payLinkFor(a, sandboxCards.severalFees)).path)).status).toBe(303)
    // The same phone, its next request load-balanced to B: the same cookie and CSRF token.
    const onB = new PayBrowser(b.baseUrl)
    onB.cookie = onA.cookie
    onB.csrfToken = onA.csrfToken
    const info = paySessionInfoSchema.parse(await (await onB.json(payApiPaths.session)).json())
    expect(info).toMatchObject({ csrfToken: onA.csrfToken, channel: 'link', hasCheckout: false })
    const fees = payFeesSchema.parse(await (await onB.json(payApiPaths.fees)).json())
    expect(fees.fees.length).toBeGreaterThan(1)

    // The lookup B recorded in the session lets A make the checkout; B then reads it as this
    // session's own, and a wrong CSRF token is refused on either instance.
    expect((await onB.post(payApiPaths.checkouts, {}, { csrf: 'not-the-token' })).status).toBe(403)
    const made = await onA.post(payApiPaths.checkouts, {})
    expect(made.status).toBe(201)
    const checkout = payCheckoutCreatedSchema.parse(await made.json())
    expect(checkout.amountCents).toBe(fees.totalCents)
    const state = payCheckoutStateSchema.parse(await (await onB.json(payApiPaths.checkout)).json())
    expect(state).toMatchObject({ status: 'pending', amountCents: fees.totalCents })
    expect(
      payCheckoutStateSchema.parse(await (await onB.post(payApiPaths.cancelCheckout)).json()),
    ).toMatchObject({ status: 'cancelled' })

    // Idle on B's clock: B ends it, and A no longer knows it either.
    b.clock.advance(30 * 60_000)
    for (const browser of [onB, onA]) {
      const ended = await browser.json(payApiPaths.session)
      expect(ended.status).toBe(401)
      expect(payErrorSchema.parse(await ended.json()).error.code).toBe('no_session')
    }
  })

  it('keeps 60 concurrent lookups spread over both instances within Alma’s per-second limit', async () => {
    const perSecond = 10
    const { a, b, sandboxAlma } = await twoInstances({
      alma: { maxRequestsPerSecond: perSecond },
      env: { ALMA_MAX_REQUESTS_PER_SECOND: String(perSecond) },
    })
    const cards = [sandboxCards.severalFees, sandboxCards.oneFee, sandboxCards.noFees]
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, index) =>
        (index % 2 === 0 ? a : b).lookup(cards[index % cards.length] ?? sandboxCards.oneFee),
      ),
    )
    expect(results.filter((result) => result.status === 'rejected')).toEqual([])
    const requests = sandboxAlma.requests()
    expect(requests.filter((request) => request.status === 429)).toEqual([])
    expect(maxStartsInAnySecond(requests.map((request) => request.startedAt))).toBeLessThanOrEqual(
      perSecond,
    )
    // A lookup made on one instance is found on the other (they live in the database).
    const lookup = await a.lookup(sandboxCards.oneFee)
    const created = await b.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    expect(created.amountCents).toBeGreaterThan(0)
  }, 60_000)
})

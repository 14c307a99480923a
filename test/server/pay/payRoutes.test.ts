import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DatabaseSync } from 'node:sqlite'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceUrl } from '../../../common/cashnet.ts'
import {
  payApiPaths,
  payCheckoutCreatedSchema,
  payCheckoutStateSchema,
  payErrorSchema,
  payFeesSchema,
  payPaths,
  payReceiptSchema,
  paySessionInfoSchema,
} from '../../../common/payApi.ts'
import { loggerOptions } from '../../../server/ops/logger.ts'
import type { PrimoPatron } from '../../../server/pay/primoToken.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { createInstitutionSigner } from '../../../server/sandbox/primo/token.ts'
import { drainOutbox, payOnSandbox, startHarness, type Harness } from '../payments/harness.ts'
import { PayBrowser, pagesPath, parseSetCookie, payLinkFor } from './payBrowser.ts'

/** Stands in for `server/pay/primoToken.ts`: `ok:<institution>:<userId>` passes, nothing else. */
class FakePrimoTokenError extends Error {
  override readonly name = 'PrimoTokenError'
  readonly kind: string
  constructor(kind: string) {
    super(`token refused: ${kind}`)
    this.kind = kind
  }
}
function fakeVerifier(jwt: string): Promise<PrimoPatron> {
  const [mark, institution, userId] = jwt.split(':')
  if (mark !== 'ok' || !institution || !userId) {
    return Promise.reject(new FakePrimoTokenError('signature'))
  }
  return Promise.resolve({ institution, userId })
}

async function errorCode(response: Response): Promise<string> {
  return payErrorSchema.parse(await response.json()).error.code
}

const qrMs = 30 * 60_000

describe('pay pages: entries, session and API', () => {
  let h: Harness
  const logged: string[] = []
  beforeAll(async () => {
    h = await startHarness({
      overrides: {
        verifyPrimoToken: fakeVerifier,
        logger: loggerOptions(
          'info',
          new Writable({
            write(chunk: Buffer, _encoding, done) {
              logged.push(chunk.toString('utf8'))
              done()
            },
          }),
        ),
      },
    })
  })
  afterAll(async () => {
    await h.close()
  })

  const linkFor = (card: string) => payLinkFor(h, card)
  const enterByLink = async (card: string) => {
    const browser = new PayBrowser(h.baseUrl)
    const response = await browser.enter((await linkFor(card)).path)
    expect(response.status).toBe(303)
    return browser
  }

  it('starts a session from a pay link: an HttpOnly, Lax cookie, then /pay without the token', async () => {
    const link = await linkFor(sandboxCards.oneFee)
    const browser = new PayBrowser(h.baseUrl)
    const response = await browser.fetch(link.path)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(pagesPath)
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const [setCookie] = response.headers.getSetCookie()
    const cookie = parseSetCookie(setCookie ?? '')
    expect(cookie.name).toBe('pay_session')
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(cookie.attrs.has('httponly')).toBe(true)
    expect(cookie.attrs.get('samesite')).toBe('Lax')
    expect(cookie.attrs.get('path')).toBe('/pay')
    expect(cookie.attrs.get('max-age')).toBe('1800')
    // The service is on plain http here: a Secure cookie would never come back.
    expect(cookie.attrs.has('secure')).toBe(false)
    const info = paySessionInfoSchema.parse(await (await browser.json(payApiPaths.session)).json())
    expect(info).toMatchObject({ channel: 'link', hasCheckout: false, returnUrl: null })
  })

  it('answers an unknown link 404 and an expired or revoked one 410, each with a clear page', async () => {
    const unknown = await new PayBrowser(h.baseUrl).fetch(`${payPaths.link}/${'x'.repeat(43)}`)
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/text\/html/)
    expect(unknown.headers.getSetCookie()).toEqual([])
    expect(await unknown.text()).toContain('This payment link is not valid')

    const revoked = await linkFor(sandboxCards.oneFee)
    await h.service.payLinkStore.revokePayLink(revoked.link.id, {
      institutions: [h.institution],
      by: 'desk:clerk1',
      now: h.clock.now(),
    })
    const revokedPage = await new PayBrowser(h.baseUrl).fetch(revoked.path)
    expect(revokedPage.status).toBe(410)
    const text = await revokedPage.text()
    expect(text).toContain('This payment link has expired')
    expect(text).toContain('Este enlace de pago ha caducado')

    const expiring = await linkFor(sandboxCards.oneFee)
    h.clock.advance(qrMs + 1)
    try {
      const expired = await new PayBrowser(h.baseUrl).fetch(expiring.path)
      expect(expired.status).toBe(410)
      expect(expired.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    } finally {
      h.clock.advance(-(qrMs + 1))
    }
  })

  it('refuses a bad, foreign or missing Primo token with a 401 page and no Alma call', async () => {
    const before = h.sandboxAlma.requests().length
    const foreign = `ok:01CALS_OTHER:${h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee)}`
    for (const query of ['?jwt=tampered.token.here', `?jwt=${foreign}`, '']) {
      const browser = new PayBrowser(h.baseUrl)
      const response = await browser.fetch(`${payPaths.primo}${query}`)
      expect(response.status).toBe(401)
      expect(await response.text()).toContain('Please sign in to Primo again')
      expect(browser.cookie).toBeNull()
    }
    expect(h.sandboxAlma.requests().length).toBe(before)
  })

  it('starts a Primo session for the token’s patron and never a returnUrl it was not told to accept', async () => {
    const browser = new PayBrowser(h.baseUrl)
    const jwt = `ok:${h.institution}:${h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees)}`
    const response = await browser.enter(
      `${payPaths.primo}?jwt=${encodeURIComponent(jwt)}&returnUrl=${encodeURIComponent('https://evil.example/')}`,
    )
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(pagesPath)
    const info = paySessionInfoSchema.parse(await (await browser.json(payApiPaths.session)).json())
    expect(info).toMatchObject({ channel: 'primo', returnUrl: null })
    const fees = payFeesSchema.parse(await (await browser.json(payApiPaths.fees)).json())
    expect(fees.fees.length).toBeGreaterThan(1)
  })

  it('answers the API only within a session, and a change only with its CSRF token from this origin', async () => {
    const stranger = new PayBrowser(h.baseUrl)
    for (const path of [payApiPaths.session, payApiPaths.fees, payApiPaths.checkout]) {
      const response = await stranger.json(path)
      expect(response.status).toBe(401)
      expect(await errorCode(response)).toBe('no_session')
    }
    const browser = await enterByLink(sandboxCards.oneFee)
    await browser.json(payApiPaths.fees)
    for (const attempt of [
      () => browser.post(payApiPaths.checkouts, {}, { csrf: null }),
      () => browser.post(payApiPaths.checkouts, {}, { csrf: 'not-the-token' }),
      () => browser.post(payApiPaths.checkouts, {}, { origin: 'https://evil.example' }),
    ]) {
      const response = await attempt()
      expect(response.status).toBe(403)
      expect(await errorCode(response)).toBe('csrf')
    }
    const info = paySessionInfoSchema.parse(await (await browser.json(payApiPaths.session)).json())
    expect(info.hasCheckout).toBe(false)
  })

  it('never takes the patron from the browser: the session’s patron, whatever the request says', async () => {
    const browser = await enterByLink(sandboxCards.oneFee)
    const otherId = h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees)
    const fees = payFeesSchema.parse(
      await (
        await browser.json(`${payApiPaths.fees}?patronId=${otherId}&userId=${otherId}`)
      ).json(),
    )
    expect(fees.totalCents).toBe(300)
    expect(fees.fees).toHaveLength(1)

    const named = await browser.post(payApiPaths.checkouts, { patronId: otherId })
    expect(named.status).toBe(400)
    const otherLookup = await h.lookupService.lookupPatron(
      { id: 'desk:clerk1', channel: 'desk:clerk1', kioskId: '' },
      otherId,
    )
    const othersFees = await browser.post(payApiPaths.checkouts, {
      feeIds: [otherLookup.fees[0]?.id ?? ''],
    })
    expect(othersFees.status).toBeGreaterThanOrEqual(400)
    const lookupOfAnother = await browser.post(payApiPaths.checkouts, {
      lookupId: otherLookup.lookupId,
    })
    expect(lookupOfAnother.status).toBe(400)
  })

  it('pays through CashNet and back: the status, the posted receipt, another session seeing none of it', async () => {
    const browser = await enterByLink(sandboxCards.severalFees)
    const fees = payFeesSchema.parse(await (await browser.json(payApiPaths.fees)).json())
    const [oldest] = fees.fees
    if (!oldest) throw new Error('no fees')
    const created = await browser.post(payApiPaths.checkouts, {
      feeIds: fees.fees.map((fee) => fee.id),
      amountCents: oldest.balanceCents + 1,
    })
    expect(created.status).toBe(201)
    const checkout = payCheckoutCreatedSchema.parse(await created.json())
    expect(checkout.amountCents).toBe(oldest.balanceCents + 1)
    expect(new URL(checkout.checkoutUrl).searchParams.get('signouturl')).toBe(
      serviceUrl(h.baseUrl, payPaths.return),
    )

    const other = await enterByLink(sandboxCards.severalFees)
    const notTheirs = await other.json(payApiPaths.checkout)
    expect(notTheirs.status).toBe(404)
    expect(await errorCode(notTheirs)).toBe('checkout_not_found')

    const paid = await payOnSandbox(checkout.checkoutUrl)
    expect(paid.status).toBe(302)
    const back = await browser.fetch(paid.location ?? '')
    expect(back.status).toBe(303)
    expect(back.headers.get('location')).toBe(payPaths.status)
    // CashNet's POST return comes to the same place, its fields never read.
    const posted = await browser.fetch(payPaths.return, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=0&tx=123&respmessage=SUCCESS',
    })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe(payPaths.status)

    const waiting = browser.json(`${payApiPaths.checkout}?status=paid&wait=10`)
    await drainOutbox(h)
    const state = payCheckoutStateSchema.parse(await (await waiting).json())
    expect(state.status).toBe('posted')
    const receipt = payReceiptSchema.parse(await (await browser.json(payApiPaths.receipt)).json())
    expect(receipt.receipt.amountCents).toBe(oldest.balanceCents + 1)
    expect(receipt.receipt.lines.map((line) => line.amountCents)).toEqual([oldest.balanceCents, 1])
    expect(await h.repo.getCheckout(receipt.checkoutId)).toMatchObject({ channel: 'link' })
    expect((await other.json(payApiPaths.receipt)).status).toBe(404)
  })

  it('shows nothing to pay when a link is opened after everything was paid', async () => {
    const link = await linkFor(sandboxCards.oneFee)
    const first = new PayBrowser(h.baseUrl)
    await first.enter(link.path)
    await first.json(payApiPaths.fees)
    const created = payCheckoutCreatedSchema.parse(
      await (await first.post(payApiPaths.checkouts, {})).json(),
    )
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)

    const again = new PayBrowser(h.baseUrl)
    expect((await again.enter(link.path)).status).toBe(303)
    const fees = payFeesSchema.parse(await (await again.json(payApiPaths.fees)).json())
    expect(fees).toMatchObject({ fees: [], totalCents: 0 })
    const nothing = await again.post(payApiPaths.checkouts, {})
    expect(nothing.status).toBeGreaterThanOrEqual(400)
  })

  it('cancels a checkout the patron left unpaid, and ends an idle session', async () => {
    const browser = await enterByLink(sandboxCards.severalFees)
    await browser.json(payApiPaths.fees)
    expect((await browser.post(payApiPaths.checkouts, {})).status).toBe(201)
    const cancelled = await browser.post(payApiPaths.cancelCheckout)
    expect(payCheckoutStateSchema.parse(await cancelled.json()).status).toBe('cancelled')

    h.clock.advance(30 * 60_000)
    try {
      const idle = await browser.json(payApiPaths.session)
      expect(idle.status).toBe(401)
      expect(await errorCode(idle)).toBe('no_session')
    } finally {
      h.clock.advance(-30 * 60_000)
    }
  })

  it('keeps a busy session: idle time counts from the last request, in the browser too', async () => {
    // A phone that honours Max-Age on the test clock.
    const browser = new PayBrowser(h.baseUrl, { now: () => h.clock.now() })
    expect((await browser.enter((await linkFor(sandboxCards.oneFee)).path)).status).toBe(303)
    let advanced = 0
    const advance = (ms: number) => {
      h.clock.advance(ms)
      advanced += ms
    }
    try {
      // Used every 20 minutes for an hour: more than the 30-minute idle time since it started.
      for (let step = 0; step < 3; step++) {
        advance(20 * 60_000)
        const answer = await browser.json(payApiPaths.session)
        expect(answer.status).toBe(200)
        const cookie = parseSetCookie(answer.headers.getSetCookie()[0] ?? '')
        expect(cookie.name).toBe('pay_session')
        expect(cookie.attrs.get('max-age')).toBe('1800')
        expect(cookie.attrs.get('samesite')).toBe('Lax')
        expect(cookie.attrs.has('httponly')).toBe(true)
      }
      // Then left alone past the idle time: gone in the browser and on the service.
      const cookie = browser.cookie ?? ''
      advance(30 * 60_000)
      expect(await errorCode(await browser.json(payApiPaths.session))).toBe('no_session')
      const replayed = await new PayBrowser(h.baseUrl).fetch(payApiPaths.session, {
        headers: { cookie: `pay_session=${cookie}` },
      })
      expect(replayed.status).toBe(401)
    } finally {
      h.clock.advance(-advanced)
    }
  })

  it('stores a session in the service’s database under the cookie’s hash only, until it idles out', async () => {
    const browser = await enterByLink(sandboxCards.oneFee)
    await browser.json(payApiPaths.fees)
    const cookie = browser.cookie ?? ''
    const rows = () => {
      const db = new DatabaseSync(h.dbPath, { readOnly: true })
      try {
        return db.prepare('SELECT * FROM pay_sessions').all()
      } finally {
        db.close()
      }
    }
    const key = createHash('sha256').update(cookie, 'utf8').digest('hex')
    const mine = rows().find((row) => row.id_hash === key)
    expect(mine).toMatchObject({
      institution: h.institution,
      primary_id: h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee),
      channel: 'link',
      csrf_token: browser.csrfToken,
    })
    expect(mine?.lookup_id).toEqual(expect.any(String))
    expect(JSON.stringify(rows())).not.toContain(cookie)

    // The sweep ends sessions idle past their time (every one here is, 30 minutes on).
    h.clock.advance(30 * 60_000 + 1)
    try {
      expect(await h.service.paySessions.sweep()).toBeGreaterThanOrEqual(1)
      expect(rows().find((row) => row.id_hash === key)).toBeUndefined()
    } finally {
      h.clock.advance(-(30 * 60_000 + 1))
    }
    expect((await browser.json(payApiPaths.session)).status).toBe(401)
  })

  it('wakes the long-poll on a cancelled checkout when CashNet reports its payment late', async () => {
    const browser = await enterByLink(sandboxCards.manyFees)
    await browser.json(payApiPaths.fees)
    const created = payCheckoutCreatedSchema.parse(
      await (await browser.post(payApiPaths.checkouts, {})).json(),
    )
    const cancelled = payCheckoutStateSchema.parse(
      await (await browser.post(payApiPaths.cancelCheckout)).json(),
    )
    expect(cancelled.status).toBe('cancelled')
    // Until when a late payment is to be expected: the checkout's time with CashNet.
    const record = await h.repo.getCheckout(cancelled.checkoutId)
    expect(Date.parse(cancelled.expiresAt)).toBe(record?.expiresAt)
    expect(record?.expiresAt).toBeGreaterThan(h.clock.now())

    // The patron paid in the CashNet tab after all: the page's long-poll on `cancelled` wakes.
    const watching = browser.json(`${payApiPaths.checkout}?status=cancelled&wait=10`)
    await payOnSandbox(created.checkoutUrl)
    expect(payCheckoutStateSchema.parse(await (await watching).json()).status).toBe('paid')
    await drainOutbox(h)
    const state = payCheckoutStateSchema.parse(
      await (await browser.json(payApiPaths.checkout)).json(),
    )
    expect(state.status).toBe('posted')
    expect(state.receipt?.amountCents).toBe(created.amountCents)
  })

  it('keeps pay link tokens and Primo tokens out of the log', async () => {
    const link = await linkFor(sandboxCards.oneFee)
    const token = link.path.split('/').at(-1) ?? ''
    await new PayBrowser(h.baseUrl).fetch(link.path)
    await new PayBrowser(h.baseUrl).fetch(`${payPaths.primo}?jwt=secret-looking.jwt.value`)
    // Staff API addresses that name a patron (refused here, no session, but logged all the same).
    const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee)
    for (const path of [
      `/staff/api/pay-links?patronId=${primaryId}`,
      `/staff/api/payments?status=posted&q=${primaryId}`,
      `/staff/api/exceptions/1/fees?patronId=${primaryId}`,
    ]) {
      expect((await fetch(new URL(path, h.baseUrl))).status).toBe(401)
    }
    const text = logged.join('')
    expect(text).toContain('/staff/api/pay-links?patronId=[redacted]')
    expect(text).toContain('/staff/api/payments?status=posted&q=[redacted]')
    expect(text).toContain('/pay/l/[token]')
    expect(text).not.toContain(token)
    expect(text).not.toContain('secret-looking')
    expect(text).not.toContain(h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee))
  })
})

describe('pay pages behind https, without Primo, with a tight rate limit', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({
      env: { PUBLIC_BASE_URL: 'https://pay.example.edu', PAY_REQUESTS_PER_MINUTE: '5' },
    })
  })
  afterAll(async () => {
    await h.close()
  })

  it('sets a Secure cookie, says Primo is not set up, and limits each address', async () => {
    const browser = new PayBrowser(h.baseUrl)
    const entered = await browser.fetch((await payLinkFor(h, sandboxCards.oneFee)).path)
    expect(entered.status).toBe(303)
    expect(parseSetCookie(entered.headers.getSetCookie()[0] ?? '').attrs.has('secure')).toBe(true)

    const primo = await browser.fetch(`${payPaths.primo}?jwt=anything`)
    expect(primo.status).toBe(503)

    const answers: number[] = []
    for (let i = 0; i < 5; i += 1) answers.push((await browser.json(payApiPaths.session)).status)
    expect(answers.at(-1)).toBe(429)
    const limited = await browser.json(payApiPaths.session)
    expect(limited.status).toBe(429)
    expect(await errorCode(limited)).toBe('rate_limited')
  })
})

describe('pay pages while Ex Libris’s Primo key set cannot be fetched', () => {
  let h: Harness
  let keyService: Server
  let keyFetches = 0
  beforeAll(async () => {
    // Ex Libris's key service, down.
    keyService = createServer((_request, response) => {
      keyFetches += 1
      response.writeHead(503, { 'content-type': 'text/html' }).end('<html>maintenance</html>')
    })
    await new Promise<void>((resolve) => keyService.listen(0, '127.0.0.1', resolve))
    const { port } = keyService.address() as AddressInfo
    h = await startHarness({
      env: {
        PRIMO_JWKS_URL: `http://127.0.0.1:${port}/auth/01CALS_TEST/jwks.json`,
        PRIMO_INSTITUTION_CODE: '01CALS_TEST',
      },
    })
  })
  afterAll(async () => {
    await h.close()
    await new Promise((resolve) => keyService.close(resolve))
  })

  it('answers a good token 503 "try again shortly", in English and Spanish, never "sign in again"', async () => {
    const signer = await createInstitutionSigner(h.institution)
    const jwt = await signer.sign(
      {
        primaryId: h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee),
        displayName: 'Test Patron',
        userGroup: 'UNDRGRD',
      },
      Date.now(),
    )
    const before = h.sandboxAlma.requests().length
    for (let attempt = 0; attempt < 2; attempt++) {
      const browser = new PayBrowser(h.baseUrl)
      const response = await browser.fetch(`${payPaths.primo}?jwt=${encodeURIComponent(jwt)}`)
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('30')
      expect(response.headers.get('content-type')).toMatch(/text\/html/)
      const page = await response.text()
      expect(page).toContain('Please try again shortly')
      expect(page).toContain('Inténtelo de nuevo en unos momentos')
      expect(page).not.toContain('sign in to Primo again')
      expect(browser.cookie).toBeNull()
    }
    expect(keyFetches).toBeGreaterThan(0)
    expect(h.sandboxAlma.requests().length).toBe(before)
  })
})

import { parse } from 'csv-parse/sync'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  accountsListSchema,
  cashnetReportComparisonSchema,
  exceptionsListSchema,
  exceptionSchema,
  patronFeesSchema,
  paymentDetailSchema,
  paymentsPageSchema,
  reconciliationCsvColumns,
  reconciliationSchema,
  roleAllows,
  staffErrorSchema,
  staffPath,
  staffRoutes,
  todaySchema,
  type StaffRole,
} from '../../../common/staffApi.ts'
import { sha256Hex } from '../../../server/ops/sha256.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { localDay } from '../../../server/staff/days.ts'
import {
  drainOutbox,
  kioskId,
  payOnSandbox,
  postForm,
  startHarness,
  successPostback,
  type Harness,
} from '../payments/harness.ts'
import { staffClient, type StaffClient } from './staffClient.ts'

const other = '01CALS_OTHER'
const password = 'correct horse battery staple'

const errorCode = (answer: { body: unknown }) => staffErrorSchema.parse(answer.body).error.code

/** Every route of the table, with parameters filled in and a body that passes validation. */
const sample: Record<keyof typeof staffRoutes, { path: string; body?: unknown; csv?: string }> = {
  signIn: { path: staffRoutes.signIn.path, body: { username: 'nobody', password: 'x' } },
  session: { path: staffRoutes.session.path },
  signOut: { path: staffRoutes.signOut.path },
  ssoOptions: { path: staffRoutes.ssoOptions.path },
  ssoStart: { path: staffPath(staffRoutes.ssoStart.path, { institution: 'x' }) },
  ssoCallback: { path: staffRoutes.ssoCallback.path },
  today: { path: staffRoutes.today.path },
  payments: { path: staffRoutes.payments.path },
  payment: { path: staffPath(staffRoutes.payment.path, { checkoutId: 'none' }) },
  exceptions: { path: staffRoutes.exceptions.path },
  exceptionFees: { path: staffPath(staffRoutes.exceptionFees.path, { id: 999 }) },
  resolveException: {
    path: staffPath(staffRoutes.resolveException.path, { id: 999 }),
    body: { action: 'written_off', note: 'n' },
  },
  reconciliation: { path: `${staffRoutes.reconciliation.path}?from=2026-01-01&to=2026-01-02` },
  reconciliationCsv: {
    path: `${staffRoutes.reconciliationCsv.path}?from=2026-01-01&to=2026-01-02`,
  },
  cashnetReport: {
    path: `${staffRoutes.cashnetReport.path}?from=2026-01-01&to=2026-01-02`,
    csv: 'Transaction Number,Amount,Transaction Date\n',
  },
  accounts: { path: staffRoutes.accounts.path },
  createAccount: {
    path: staffRoutes.createAccount.path,
    body: { username: 'x1', role: 'desk', institutions: ['nowhere'], password: 'short' },
  },
  updateAccount: {
    path: staffPath(staffRoutes.updateAccount.path, { username: 'nobody' }),
    body: { disabled: true },
  },
  patronLookup: { path: staffRoutes.patronLookup.path, body: { patronId: 'NO-SUCH-PATRON' } },
  createPayLink: {
    path: staffRoutes.createPayLink.path,
    body: { patronId: 'NO-SUCH-PATRON', send: 'qr' },
  },
  payLinks: { path: `${staffRoutes.payLinks.path}?patronId=nobody` },
  revokePayLink: { path: staffPath(staffRoutes.revokePayLink.path, { id: 999 }) },
  deskCheckout: { path: staffRoutes.deskCheckout.path, body: { lookupId: 'no-such-lookup' } },
  deskCheckoutState: { path: staffPath(staffRoutes.deskCheckoutState.path, { checkoutId: 'x' }) },
  cancelDeskCheckout: {
    path: staffPath(staffRoutes.cancelDeskCheckout.path, { checkoutId: 'x' }),
  },
}

describe('server/http staff API (the assembled service, real HTTP, real SQLite)', () => {
  let h: Harness
  const clients = {} as Record<StaffRole | 'otherCampus', StaffClient>
  let paid: { checkoutId: string; tx: string; amountCents: number; primaryId: string }
  let otherCheckoutId: string
  /** CashNet's tx of a payment that matched no checkout (set by the exceptions tests). */
  let unmatchedTx = ''

  beforeAll(async () => {
    h = await startHarness({
      env: { STAFF_LOCKOUT_AFTER: '3', STAFF_SIGN_IN_REQUESTS_PER_MINUTE: '1000' },
      configure: (config) => {
        const [first] = config.institutions
        if (!first) throw new Error('one institution')
        return {
          ...config,
          institutions: [
            first,
            {
              ...first,
              code: other,
              name: 'Other Campus',
              kiosks: [{ kioskId: 'other-1', keyHash: sha256Hex('other-key') }],
              cashnet: { ...first.cashnet, postbackSecret: randomBytes(16).toString('hex') },
            },
          ],
        }
      },
    })
    for (const role of ['desk', 'supervisor', 'admin'] as const) {
      await h.service.accounts.create('test', {
        username: `${role}1`,
        role,
        institutions: [h.institution],
        password,
      })
      clients[role] = staffClient(h.baseUrl)
      await clients[role].signIn(`${role}1`, password)
    }
    await h.service.accounts.create('test', {
      username: 'elsewhere',
      role: 'admin',
      institutions: [other],
      password,
    })
    clients.otherCampus = staffClient(h.baseUrl)
    await clients.otherCampus.signIn('elsewhere', password)

    // A payment of each campus, paid through the sandbox CashNet and posted to the sandbox Alma.
    const lookup = await h.lookup(sandboxCards.severalFees)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)
    const tx = h.cashnet.transactions()[0]?.tx ?? ''
    paid = {
      checkoutId: created.checkoutId,
      tx,
      amountCents: created.amountCents,
      primaryId: h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees),
    }
    const otherServices = h.service.institution(other)
    const otherLookup = await otherServices.lookups.lookup('other-1', sandboxCards.oneFee)
    otherCheckoutId = (
      await otherServices.checkouts.create('other-1', { lookupId: otherLookup.lookupId })
    ).checkoutId
  })
  afterAll(async () => {
    await h.close()
  })

  describe('sessions', () => {
    it('sets an HttpOnly, SameSite=Strict cookie scoped to /staff and answers who is signed in', async () => {
      const client = staffClient(h.baseUrl)
      const answer = await client.call('POST', staffRoutes.signIn.path, {
        body: { username: 'DESK1', password },
      })
      expect(answer.status).toBe(204)
      const cookie = answer.headers.get('set-cookie') ?? ''
      expect(cookie).toMatch(/^staff_session=[\w-]{40,};/)
      expect(cookie).toContain('HttpOnly')
      expect(cookie).toContain('SameSite=Strict')
      expect(cookie).toContain('Path=/staff')
      // The public URL is plain http here, so the cookie cannot be Secure.
      expect(cookie).not.toContain('Secure')
      const info = await client.signIn('desk1', password)
      expect(info).toMatchObject({
        username: 'desk1',
        role: 'desk',
        method: 'local',
        institutions: [{ code: h.institution }],
      })
      expect(info.csrfToken.length).toBeGreaterThan(20)
    })

    it('refuses a wrong password with 401 and locks the account after repeated failures', async () => {
      await h.service.accounts.create('test', {
        username: 'locky',
        role: 'desk',
        institutions: [h.institution],
        password,
      })
      const client = staffClient(h.baseUrl)
      for (let attempt = 0; attempt < 3; attempt++) {
        const wrong = await client.call('POST', staffRoutes.signIn.path, {
          body: { username: 'locky', password: 'not the password at all' },
        })
        expect(wrong.status).toBe(401)
        expect(errorCode(wrong)).toBe('unauthorized')
      }
      const locked = await client.call('POST', staffRoutes.signIn.path, {
        body: { username: 'locky', password },
      })
      expect(locked.status).toBe(423)
      expect(errorCode(locked)).toBe('locked_out')
      const audit = await h.service.staffStore.listAudit({ actor: 'locky' })
      expect(audit.map((entry) => entry.action)).toEqual([
        'sign_in_locked_out',
        'sign_in_failed',
        'sign_in_failed',
        'sign_in_failed',
      ])
      expect(JSON.stringify(audit)).not.toContain('not the password')
    })

    it('ends a session on sign-out and after the idle time', async () => {
      const client = staffClient(h.baseUrl)
      await client.signIn('desk1', password)
      const signedOutCookie = client.cookie ?? ''
      expect((await client.call('DELETE', staffRoutes.signOut.path)).status).toBe(204)
      expect(client.cookie).toBeNull()
      // Ended on the service too, not only forgotten by the browser.
      const replayed = await client.call('GET', staffRoutes.session.path, {
        headers: { cookie: signedOutCookie },
      })
      expect(replayed.status).toBe(401)

      const idle = staffClient(h.baseUrl)
      await idle.signIn('desk1', password)
      h.clock.advance(31 * 60_000)
      try {
        const answer = await idle.call('GET', staffRoutes.session.path)
        expect(answer.status).toBe(401)
        expect(errorCode(answer)).toBe('unauthorized')
      } finally {
        h.clock.advance(-31 * 60_000)
      }
    })

    it('keeps a busy session: idle time counts from the last request, in the browser too', async () => {
      // A browser that honours Max-Age on the test clock.
      const busy = staffClient(h.baseUrl, { now: () => h.clock.now() })
      await busy.signIn('desk1', password)
      let advanced = 0
      const advance = (ms: number) => {
        h.clock.advance(ms)
        advanced += ms
      }
      try {
        // Used every 20 minutes for an hour: more than the 30-minute idle time since sign-in.
        for (let step = 0; step < 3; step++) {
          advance(20 * 60_000)
          const answer = await busy.call('GET', staffRoutes.payments.path)
          expect(answer.status).toBe(200)
          const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('staff_session='))
          expect(cookie).toContain('Max-Age=1800')
          expect(cookie).toContain('HttpOnly')
          expect(cookie).toContain('SameSite=Strict')
        }
        // Then left alone past the idle time: gone in the browser and on the service.
        const cookie = busy.cookie ?? ''
        advance(31 * 60_000)
        expect((await busy.call('GET', staffRoutes.session.path)).status).toBe(401)
        const replayed = await busy.call('GET', staffRoutes.session.path, { headers: { cookie } })
        expect(replayed.status).toBe(401)
      } finally {
        h.clock.advance(-advanced)
      }
    })

    it('validates the sign-in body, naming the field', async () => {
      const answer = await staffClient(h.baseUrl).call('POST', staffRoutes.signIn.path, {
        body: { username: 'desk1' },
      })
      expect(answer.status).toBe(400)
      expect(staffErrorSchema.parse(answer.body).error.field).toBe('password')
    })
  })

  describe('every route of the table', () => {
    const guarded = Object.entries(staffRoutes).filter(([, spec]) => spec.role !== null)

    it.each(guarded)('%s answers 401 without a session', async (key, spec) => {
      const { path, body, csv } = sample[key as keyof typeof staffRoutes]
      const answer = await staffClient(h.baseUrl).call(spec.method, path, {
        ...(body === undefined ? {} : { body }),
        ...(csv === undefined ? {} : { csv }),
      })
      expect(answer.status).toBe(401)
      expect(errorCode(answer)).toBe('unauthorized')
    })

    it.each(guarded)('%s answers 403 to roles below its own', async (key, spec) => {
      const { path, body, csv } = sample[key as keyof typeof staffRoutes]
      for (const role of ['desk', 'supervisor', 'admin'] as const) {
        // Signing out ends the session: use one of its own.
        const client = key === 'signOut' ? staffClient(h.baseUrl) : clients[role]
        if (key === 'signOut') await client.signIn(`${role}1`, password)
        const answer = await client.call(spec.method, path, {
          ...(body === undefined ? {} : { body }),
          ...(csv === undefined ? {} : { csv }),
        })
        if (spec.role && roleAllows(role, spec.role)) {
          expect([200, 201, 204, 400, 404, 409]).toContain(answer.status)
        } else {
          expect({ role, status: answer.status, code: errorCode(answer) }).toEqual({
            role,
            status: 403,
            code: 'forbidden',
          })
        }
      }
    })

    it.each(guarded.filter(([, spec]) => spec.method !== 'GET'))(
      '%s refuses a missing or wrong CSRF token, and a foreign Origin',
      async (key, spec) => {
        const { path, body, csv } = sample[key as keyof typeof staffRoutes]
        const payload = {
          ...(body === undefined ? {} : { body }),
          ...(csv === undefined ? {} : { csv }),
        }
        const missing = await clients.admin.call(spec.method, path, { ...payload, csrf: null })
        expect([missing.status, errorCode(missing)]).toEqual([403, 'csrf'])
        const wrong = await clients.admin.call(spec.method, path, { ...payload, csrf: 'guess' })
        expect([wrong.status, errorCode(wrong)]).toEqual([403, 'csrf'])
        const foreign = await clients.admin.call(spec.method, path, {
          ...payload,
          headers: { origin: 'https://evil.example' },
        })
        expect([foreign.status, errorCode(foreign)]).toEqual([403, 'csrf'])
      },
    )

    it('answers unknown API paths with the staff error shape', async () => {
      const answer = await clients.desk.call('GET', '/staff/api/nothing-here')
      expect(answer.status).toBe(404)
      expect(errorCode(answer)).toBe('not_found')
      expect(answer.headers.get('cache-control')).toBe('no-store')
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    })
  })

  describe('payments', () => {
    it('finds a payment by CashNet tx, checkout id or Alma user id, with what became of each line', async () => {
      for (const q of [paid.tx, paid.checkoutId, paid.primaryId]) {
        const answer = await clients.desk.call(
          'GET',
          `${staffRoutes.payments.path}?q=${encodeURIComponent(q)}`,
        )
        expect(answer.status).toBe(200)
        const page = paymentsPageSchema.parse(answer.body)
        expect(page.payments.map((payment) => payment.checkoutId)).toEqual([paid.checkoutId])
      }
      const page = paymentsPageSchema.parse(
        (await clients.desk.call('GET', `${staffRoutes.payments.path}?q=${paid.tx}`)).body,
      )
      const [payment] = page.payments
      expect(payment).toMatchObject({
        institution: h.institution,
        status: 'posted',
        amountCents: paid.amountCents,
        channel: `kiosk:${kioskId}`,
        kioskId,
        cashnetTx: paid.tx,
        patron: { primaryId: paid.primaryId },
      })
      expect(payment?.patron.name).toBeTruthy()
      expect(payment?.lines.map((line) => line.almaStatus)).toEqual(['posted', 'posted', 'posted'])
      expect(payment?.lines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(paid.amountCents)

      // Each search is audited: who, what it found, and what was typed only as its SHA-256.
      const searches = (await h.service.staffStore.listAudit({ actor: 'desk1' })).filter(
        (entry) => entry.action === 'payments_searched',
      )
      expect(searches.map((entry) => entry.detail)).toEqual(
        [paid.tx, paid.primaryId, paid.checkoutId, paid.tx].map((q) => ({
          qSha256: sha256Hex(q),
          results: 1,
          checkoutIds: [paid.checkoutId],
        })),
      )
      expect(searches.every((entry) => entry.institution === null)).toBe(true)
      const logged = JSON.stringify(searches)
      expect(logged).not.toContain(paid.primaryId)
      expect(logged).not.toContain(payment?.patron.name ?? 'no name')
      // A list without a search is not a search.
      await clients.desk.call('GET', `${staffRoutes.payments.path}?status=posted`)
      const after = (await h.service.staffStore.listAudit({ actor: 'desk1' })).filter(
        (entry) => entry.action === 'payments_searched',
      )
      expect(after).toHaveLength(searches.length)
    })

    it('filters by status, channel and day, and pages without repeating a payment', async () => {
      const today = localDay(h.clock.now())
      const posted = paymentsPageSchema.parse(
        (
          await clients.desk.call(
            'GET',
            `${staffRoutes.payments.path}?status=posted&channel=kiosk&from=${today}&to=${today}`,
          )
        ).body,
      )
      expect(posted.payments.map((payment) => payment.checkoutId)).toContain(paid.checkoutId)
      const none = paymentsPageSchema.parse(
        (await clients.desk.call('GET', `${staffRoutes.payments.path}?channel=primo`)).body,
      )
      expect(none.payments).toEqual([])

      // Three more checkouts; page through everything one at a time.
      for (let i = 0; i < 3; i++) {
        const lookup = await h.lookup(sandboxCards.oneFee)
        await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
      }
      const seen: string[] = []
      let cursor: string | null = null
      for (let pages = 0; pages < 20; pages++) {
        const answer = await clients.desk.call(
          'GET',
          `${staffRoutes.payments.path}?limit=1&sort=amountCents&order=asc${cursor ? `&cursor=${cursor}` : ''}`,
        )
        const page = paymentsPageSchema.parse(answer.body)
        seen.push(...page.payments.map((payment) => payment.checkoutId))
        cursor = page.next
        if (!cursor) break
      }
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen.length).toBeGreaterThanOrEqual(4)
      expect(seen).not.toContain(otherCheckoutId)
    })

    it('refuses bad filters with 400 naming the field', async () => {
      for (const [query, field] of [
        ['from=yesterday', 'from'],
        ['status=lost', 'status'],
        ['limit=5000', 'limit'],
        ['colour=blue', 'query'],
        ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ] as const) {
        const answer = await clients.desk.call('GET', `${staffRoutes.payments.path}?${query}`)
        expect({ query, status: answer.status }).toEqual({ query, status: 400 })
        expect(staffErrorSchema.parse(answer.body).error.field).toBe(field)
      }
    })

    it('shows one payment with its timeline: postback fields without the secret, every Alma attempt', async () => {
      const answer = await clients.desk.call(
        'GET',
        staffPath(staffRoutes.payment.path, { checkoutId: paid.checkoutId }),
      )
      expect(answer.status).toBe(200)
      const detail = paymentDetailSchema.parse(answer.body)
      const types = detail.timeline.map((entry) => entry.type)
      expect(types[0]).toBe('checkout_created')
      expect(types).toContain('postback')
      expect(types.filter((type) => type === 'posting_attempt')).toHaveLength(3)
      expect(types.filter((type) => type === 'posting_posted')).toHaveLength(3)
      expect(types.at(-1)).toBe('checkout_posted')
      const postback = detail.timeline.find((entry) => entry.type === 'postback')
      expect(postback?.detail).toMatchObject({ outcome: 'accepted', tx: paid.tx })
      expect(JSON.stringify(detail)).not.toContain(h.secret)
      const audit = await h.service.staffStore.listAudit({ target: `checkout:${paid.checkoutId}` })
      expect(audit[0]).toMatchObject({ actor: 'desk1', action: 'payment_viewed' })
    })

    it("answers 404 for another institution's payment and for unknown ids", async () => {
      for (const checkoutId of [otherCheckoutId, 'no-such-checkout']) {
        const answer = await clients.admin.call(
          'GET',
          staffPath(staffRoutes.payment.path, { checkoutId }),
        )
        expect(answer.status).toBe(404)
      }
      const theirs = await clients.otherCampus.call(
        'GET',
        staffPath(staffRoutes.payment.path, { checkoutId: otherCheckoutId }),
      )
      expect(theirs.status).toBe(200)
      const narrowed = await clients.desk.call(
        'GET',
        `${staffRoutes.payments.path}?institution=${other}`,
      )
      expect(narrowed.status).toBe(404)
    })
  })

  describe('exceptions', () => {
    let exceptionId: number

    beforeAll(async () => {
      // CashNet took $7.50 for a checkout nobody made: an unmatched payment for staff.
      unmatchedTx = `T${Date.now()}`
      const answer = await postForm(
        h.postbackUrl,
        successPostback('no-such-checkout', unmatchedTx, [750]),
      )
      expect(answer.status).toBe(200)
      const list = exceptionsListSchema.parse(
        (await clients.desk.call('GET', staffRoutes.exceptions.path)).body,
      )
      const found = list.exceptions.find((exception) => exception.cashnetTx === unmatchedTx)
      if (!found) throw new Error('no exception for the unmatched payment')
      exceptionId = found.id
    })

    it('lists open exceptions with the actions that apply, per institution', async () => {
      const list = exceptionsListSchema.parse(
        (await clients.desk.call('GET', `${staffRoutes.exceptions.path}?state=open`)).body,
      )
      const exception = list.exceptions.find((candidate) => candidate.id === exceptionId)
      expect(exception).toMatchObject({
        kind: 'unmatched_payment',
        institution: h.institution,
        amountCents: 750,
        state: 'open',
        resolution: null,
        patron: null,
        actions: ['apply_to_fee', 'refunded', 'written_off'],
      })
      const elsewhere = exceptionsListSchema.parse(
        (await clients.otherCampus.call('GET', staffRoutes.exceptions.path)).body,
      )
      expect(elsewhere.exceptions).toEqual([])
      const bad = await clients.desk.call('GET', `${staffRoutes.exceptions.path}?state=maybe`)
      expect([bad.status, staffErrorSchema.parse(bad.body).error.field]).toEqual([400, 'state'])
    })

    it("lists the chosen patron's active fees for applying money", async () => {
      const path = staffPath(staffRoutes.exceptionFees.path, { id: exceptionId })
      const missing = await clients.supervisor.call('GET', path)
      expect([missing.status, staffErrorSchema.parse(missing.body).error.field]).toEqual([
        400,
        'patronId',
      ])
      const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee)
      const answer = await clients.supervisor.call('GET', `${path}?patronId=${primaryId}`)
      expect(answer.status).toBe(200)
      const fees = patronFeesSchema.parse(answer.body)
      expect(fees.patron.primaryId).toBe(primaryId)
      expect(fees.fees.map((fee) => fee.balanceCents)).toEqual([300])
      const unknown = await clients.supervisor.call('GET', `${path}?patronId=NO-SUCH-PATRON`)
      expect(unknown.status).toBe(404)
      const theirs = await clients.otherCampus.call('GET', `${path}?patronId=${primaryId}`)
      expect(theirs.status).toBe(404)

      // Reading a patron's fees from Alma is audited, whose and for which exception; never a name.
      const viewed = await h.service.staffStore.listAudit({ target: `patron:${primaryId}` })
      expect(
        viewed
          .filter((entry) => entry.action === 'exception_fees_viewed')
          .map((entry) => [entry.actor, entry.institution, entry.detail]),
      ).toEqual([['supervisor1', h.institution, { exceptionId, fees: 1 }]])
      expect(JSON.stringify(viewed)).not.toContain(fees.patron.name)
    })

    it('applies the money to a chosen fee exactly once with the CashNet tx, idempotently and audited', async () => {
      const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.oneFee)
      const fees = patronFeesSchema.parse(
        (
          await clients.supervisor.call(
            'GET',
            `${staffPath(staffRoutes.exceptionFees.path, { id: exceptionId })}?patronId=${primaryId}`,
          )
        ).body,
      )
      const feeId = fees.fees[0]?.id ?? ''
      const path = staffPath(staffRoutes.resolveException.path, { id: exceptionId })
      const request = {
        action: 'apply_to_fee',
        feeId,
        patronId: primaryId,
        note: 'Patron called: paid for the wrong fee',
      }
      const wrongFee = await clients.supervisor.call('POST', path, {
        body: { ...request, feeId: 'not-a-fee' },
      })
      expect([wrongFee.status, staffErrorSchema.parse(wrongFee.body).error.field]).toEqual([
        400,
        'feeId',
      ])
      const noNote = await clients.supervisor.call('POST', path, {
        body: { action: 'written_off' },
      })
      expect([noNote.status, staffErrorSchema.parse(noNote.body).error.field]).toEqual([
        400,
        'note',
      ])

      const first = await clients.supervisor.call('POST', path, { body: request })
      expect(first.status).toBe(200)
      const resolved = exceptionSchema.parse(first.body)
      expect(resolved).toMatchObject({
        state: 'resolved',
        actions: [],
        resolution: { action: 'apply_to_fee', by: 'supervisor1', feeId },
      })
      // The same request again: the same answer, nothing queued twice.
      const again = await clients.supervisor.call('POST', path, { body: request })
      expect(again.status).toBe(200)
      const conflicting = await clients.supervisor.call('POST', path, {
        body: { action: 'written_off', note: 'changed my mind' },
      })
      expect([conflicting.status, errorCode(conflicting)]).toEqual([409, 'conflict'])

      await drainOutbox(h)
      const ledger = h.sandboxAlma
        .ledger()
        .filter((payment) => payment.externalTransactionId === unmatchedTx)
      // The fee took $3.00; the $4.50 no fee could take waits for staff as unapplied money.
      expect(ledger.map((payment) => [payment.feeId, payment.amountCents])).toEqual([[feeId, 300]])
      const open = exceptionsListSchema.parse(
        (await clients.desk.call('GET', staffRoutes.exceptions.path)).body,
      )
      expect(
        open.exceptions.filter((exception) => exception.cashnetTx === unmatchedTx),
      ).toMatchObject([{ kind: 'unapplied_money', amountCents: 450, state: 'open' }])
      const audit = await h.service.staffStore.listAudit({ target: `exception:${exceptionId}` })
      expect(audit.map((entry) => [entry.actor, entry.action])).toEqual([
        ['supervisor1', 'exception_resolve_repeated'],
        ['supervisor1', 'exception_resolved'],
      ])
      expect(audit[1]?.detail).toMatchObject({ action: 'apply_to_fee', feeId })

      const resolvedList = exceptionsListSchema.parse(
        (await clients.desk.call('GET', `${staffRoutes.exceptions.path}?state=resolved`)).body,
      )
      expect(resolvedList.exceptions.map((exception) => exception.id)).toContain(exceptionId)
    })

    it('answers 404 for unknown exceptions and for those of another institution', async () => {
      const path = staffPath(staffRoutes.resolveException.path, { id: exceptionId })
      const theirs = await clients.otherCampus.call('POST', path, {
        body: { action: 'written_off', note: 'not mine' },
      })
      expect(theirs.status).toBe(404)
      const unknown = await clients.supervisor.call(
        'POST',
        staffPath(staffRoutes.resolveException.path, { id: 99_999 }),
        { body: { action: 'written_off', note: 'x' } },
      )
      expect(unknown.status).toBe(404)
      const notANumber = await clients.supervisor.call(
        'POST',
        staffPath(staffRoutes.resolveException.path, { id: 'abc' }),
        { body: { action: 'written_off', note: 'x' } },
      )
      expect([notANumber.status, staffErrorSchema.parse(notANumber.body).error.field]).toEqual([
        400,
        'id',
      ])
    })
  })

  describe('today and reconciliation', () => {
    it('sums today by channel and kiosk, with 30 days for the chart', async () => {
      const answer = await clients.desk.call('GET', staffRoutes.today.path)
      expect(answer.status).toBe(200)
      const today = todaySchema.parse(answer.body)
      expect(today.date).toBe(localDay(h.clock.now()))
      expect(today.days).toHaveLength(30)
      expect(today.days.at(-1)?.date).toBe(today.date)
      expect(today.byChannel).toContainEqual({
        channel: `kiosk:${kioskId}`,
        count: 1,
        amountCents: paid.amountCents,
      })
      expect(today.byKiosk).toContainEqual({ kioskId, count: 1, amountCents: paid.amountCents })
      expect(today.days.at(-1)).toMatchObject({ count: 1, amountCents: paid.amountCents })
    })

    it('reconciles what CashNet took with what reached Alma, and exports the same lines as CSV', async () => {
      const day = localDay(h.clock.now())
      const range = `from=${day}&to=${day}`
      const report = reconciliationSchema.parse(
        (await clients.supervisor.call('GET', `${staffRoutes.reconciliation.path}?${range}`)).body,
      )
      // The kiosk payment (posted in full) and the unmatched $7.50 (applied to a $3.00 fee).
      expect(report.totals.cashnetCents).toBe(paid.amountCents + 750)
      expect(report.totals.cashnetCount).toBe(2)
      expect(report.totals.postedCents).toBe(paid.amountCents + 300)
      expect(report.totals.openExceptionCents).toBe(450)
      expect(report.differences).toEqual([
        expect.objectContaining({ cashnetTx: unmatchedTx, cashnetCents: 750, postedCents: 300 }),
      ])
      expect(report.rows.reduce((sum, row) => sum + row.cashnetCents, 0)).toBe(
        report.totals.cashnetCents,
      )
      expect(report.rows.map((row) => row.itemCode)).toContain('LIB-FINE')

      const csv = await clients.supervisor.call(
        'GET',
        `${staffRoutes.reconciliationCsv.path}?${range}`,
      )
      expect(csv.status).toBe(200)
      expect(csv.headers.get('content-type')).toContain('text/csv')
      expect(csv.headers.get('content-disposition')).toContain('attachment')
      const rows = parse<Record<string, string>>(csv.text, { columns: true })
      expect(Object.keys(rows[0] ?? {})).toEqual([...reconciliationCsvColumns])
      const ours = rows.filter((row) => row.checkout_id === paid.checkoutId)
      expect(ours).toHaveLength(3)
      expect(ours.map((row) => row.amount)).toEqual(['12.50', '25.00', '5.25'])
      expect(ours.every((row) => row.alma_status === 'posted' && row.cashnet_tx === paid.tx)).toBe(
        true,
      )
      expect(csv.text.includes('\r\n')).toBe(true)
      const audit = await h.service.staffStore.listAudit({ actor: 'supervisor1' })
      expect(audit.map((entry) => entry.action)).toContain('csv_exported')
    })

    it("compares CashNet's own report, naming what each side lacks", async () => {
      const day = localDay(h.clock.now())
      const [year, month, date] = day.split('-')
      const report = [
        'Transaction Number,Amount,Transaction Date',
        `${paid.tx},$${(paid.amountCents / 100).toFixed(2)},${month}/${date}/${year}`,
        `${unmatchedTx},7.50,${day}`,
        `CN-ONLY-1,10.00,${day}`,
      ].join('\n')
      const answer = await clients.supervisor.call(
        'POST',
        `${staffRoutes.cashnetReport.path}?from=${day}&to=${day}`,
        { csv: report },
      )
      expect(answer.status).toBe(200)
      const comparison = cashnetReportComparisonSchema.parse(answer.body)
      expect(comparison).toMatchObject({ rows: 3, matched: 2, onlyHere: [] })
      expect(comparison.onlyInCashnet).toEqual([
        expect.objectContaining({ tx: 'CN-ONLY-1', amountCents: 1000, line: 4 }),
      ])
    })

    it('refuses a report with bad rows by line number, and one too large', async () => {
      const day = localDay(h.clock.now())
      const path = `${staffRoutes.cashnetReport.path}?from=${day}&to=${day}`
      const bad = await clients.supervisor.call('POST', path, {
        csv: [
          'Transaction Number,Amount,Transaction Date',
          `A1,ten dollars,${day}`,
          `A2,1.00,someday`,
        ].join('\n'),
      })
      expect(bad.status).toBe(400)
      expect(staffErrorSchema.parse(bad.body).error.lines?.map((line) => line.line)).toEqual([2, 3])
      const big = await clients.supervisor.call('POST', path, {
        csv: `Transaction Number,Amount,Transaction Date\n${'x'.repeat(6 * 1024 * 1024)}`,
      })
      expect([big.status, errorCode(big)]).toEqual([413, 'too_large'])
      const wrongRange = await clients.supervisor.call(
        'GET',
        `${staffRoutes.reconciliation.path}?from=${day}&to=2000-01-01`,
      )
      expect([wrongRange.status, staffErrorSchema.parse(wrongRange.body).error.field]).toEqual([
        400,
        'to',
      ])
    })
  })

  describe('staff accounts', () => {
    it('lets an admin create, list and disable accounts of their own institutions, audited', async () => {
      const created = await clients.admin.call('POST', staffRoutes.createAccount.path, {
        body: { username: 'newdesk', role: 'desk', institutions: [h.institution], password },
      })
      expect(created.status).toBe(201)
      const newcomer = staffClient(h.baseUrl)
      await newcomer.signIn('newdesk', password)

      const taken = await clients.admin.call('POST', staffRoutes.createAccount.path, {
        body: { username: 'newdesk', role: 'desk', institutions: [h.institution], password },
      })
      expect([taken.status, errorCode(taken)]).toEqual([409, 'conflict'])
      const short = await clients.admin.call('POST', staffRoutes.createAccount.path, {
        body: { username: 'short', role: 'desk', institutions: [h.institution], password: 'short' },
      })
      expect([short.status, staffErrorSchema.parse(short.body).error.field]).toEqual([
        400,
        'password',
      ])
      const foreign = await clients.admin.call('POST', staffRoutes.createAccount.path, {
        body: { username: 'spy', role: 'admin', institutions: [other], password },
      })
      expect(foreign.status).toBe(403)

      const list = accountsListSchema.parse(
        (await clients.admin.call('GET', staffRoutes.accounts.path)).body,
      )
      expect(list.accounts.map((account) => account.username)).toContain('newdesk')
      expect(list.accounts.map((account) => account.username)).not.toContain('elsewhere')
      expect(JSON.stringify(list)).not.toContain('scrypt')

      const disabled = await clients.admin.call(
        'PATCH',
        staffPath(staffRoutes.updateAccount.path, { username: 'newdesk' }),
        { body: { disabled: true } },
      )
      expect(disabled.status).toBe(200)
      expect((await newcomer.call('GET', staffRoutes.session.path)).status).toBe(401)
      const self = await clients.admin.call(
        'PATCH',
        staffPath(staffRoutes.updateAccount.path, { username: 'admin1' }),
        { body: { role: 'desk' } },
      )
      expect(self.status).toBe(400)
      const audit = await h.service.staffStore.listAudit({ target: 'account:newdesk' })
      expect(audit.map((entry) => [entry.actor, entry.action])).toEqual([
        ['admin1', 'account_updated'],
        ['admin1', 'account_created'],
      ])
    })
  })
})

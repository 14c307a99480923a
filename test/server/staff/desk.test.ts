import { parse } from 'csv-parse/sync'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiPaths,
  checkoutCreatedSchema,
  checkoutStateSchema,
  kioskPayLinkSchema,
} from '../../../common/api.ts'
import {
  createdPayLinkSchema,
  deskPatronSchema,
  payLinkSchema,
  payLinksListSchema,
  paymentsPageSchema,
  staffErrorSchema,
  staffPath,
  staffRoutes,
} from '../../../common/staffApi.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { PayLinkError } from '../../../server/pay/payLinks.ts'
import { localDay } from '../../../server/staff/days.ts'
import { drainOutbox, payOnSandbox, startHarness, type Harness } from '../payments/harness.ts'
import { staffClient, type StaffClient } from './staffClient.ts'

const password = 'correct horse battery staple'
const errorOf = (answer: { body: unknown }) => staffErrorSchema.parse(answer.body).error

describe('server/staff the circulation desk: patrons, desk payments and pay links', () => {
  let h: Harness
  let desk: StaffClient
  let otherDesk: StaffClient

  beforeAll(async () => {
    h = await startHarness({ env: { STAFF_SIGN_IN_REQUESTS_PER_MINUTE: '1000' } })
    for (const username of ['desk1', 'desk2']) {
      await h.service.accounts.create('test', {
        username,
        role: 'desk',
        institutions: [h.institution],
        password,
      })
    }
    desk = staffClient(h.baseUrl)
    await desk.signIn('desk1', password)
    otherDesk = staffClient(h.baseUrl)
    await otherDesk.signIn('desk2', password)
  })
  afterAll(async () => {
    await h.close()
  })

  const lookUp = async (client: StaffClient, patronId: string) => {
    const answer = await client.call('POST', staffRoutes.patronLookup.path, { body: { patronId } })
    return { answer, patron: answer.status === 200 ? deskPatronSchema.parse(answer.body) : null }
  }

  it('looks a patron up by card barcode or Alma user id, with their fees, audited', async () => {
    const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees)
    const byCard = await lookUp(desk, sandboxCards.severalFees)
    expect(byCard.answer.status).toBe(200)
    expect(byCard.patron?.patron.primaryId).toBe(primaryId)
    expect(byCard.patron?.patron.name).toBeTruthy()
    expect(byCard.patron?.lookup.fees.length).toBeGreaterThan(1)
    const byId = await lookUp(desk, primaryId)
    expect(byId.patron?.patron.primaryId).toBe(primaryId)

    const unknown = await lookUp(desk, 'NO-SUCH-PATRON')
    expect(unknown.answer.status).toBe(404)
    expect(errorOf(unknown.answer).field).toBe('patronId')

    const audit = await h.service.staffStore.listAudit({ actor: 'desk1' })
    expect(audit.filter((entry) => entry.action === 'patron_looked_up').length).toBe(2)
  })

  it('takes a payment at the desk: CashNet in a new tab, posted, recorded as desk:<username>', async () => {
    const { patron } = await lookUp(desk, sandboxCards.oneFee)
    if (!patron) throw new Error('no patron')
    const started = await desk.call('POST', staffRoutes.deskCheckout.path, {
      body: { lookupId: patron.lookup.lookupId },
    })
    expect(started.status).toBe(201)
    const created = checkoutCreatedSchema.parse(started.body)
    expect(created.amountCents).toBe(patron.lookup.totalCents)

    // Another staff member's lookup or payment is not theirs to use or see.
    const foreign = await otherDesk.call('POST', staffRoutes.deskCheckout.path, {
      body: { lookupId: patron.lookup.lookupId },
    })
    expect(foreign.status).toBe(409)
    expect(errorOf(foreign).reason).toBe('lookup_expired')
    const statePath = staffPath(staffRoutes.deskCheckoutState.path, {
      checkoutId: created.checkoutId,
    })
    expect((await otherDesk.call('GET', statePath)).status).toBe(404)

    // The desk computer's tab pays on CashNet; CashNet returns to the console's payment page.
    const paid = await payOnSandbox(created.checkoutUrl)
    expect(paid.status).toBe(302)
    expect(paid.location).toContain(`/cashnet/`)
    await drainOutbox(h)
    const state = checkoutStateSchema.parse(
      (await desk.call('GET', `${statePath}?status=paid&wait=5`)).body,
    )
    expect(state.status).toBe('posted')
    expect(state.receipt?.lines.map((line) => line.amountCents)).toEqual(
      patron.lookup.fees.map((fee) => fee.balanceCents),
    )

    const listed = paymentsPageSchema.parse(
      (await desk.call('GET', `${staffRoutes.payments.path}?q=${created.checkoutId}`)).body,
    )
    expect(listed.payments[0]).toMatchObject({ channel: 'desk:desk1', status: 'posted' })
    const audit = await h.service.staffStore.listAudit({ target: `checkout:${created.checkoutId}` })
    expect(audit.map((entry) => entry.action)).toContain('desk_payment_started')
  })

  it('shows desk payments by channel in the reconciliation CSV', async () => {
    const supervisor = staffClient(h.baseUrl)
    await h.service.accounts.create('test', {
      username: 'super1',
      role: 'supervisor',
      institutions: [h.institution],
      password,
    })
    await supervisor.signIn('super1', password)
    const day = localDay(h.clock.now())
    const csv = await supervisor.call(
      'GET',
      `${staffRoutes.reconciliationCsv.path}?from=${day}&to=${day}`,
    )
    expect(csv.status).toBe(200)
    const rows = parse<Record<string, string>>(csv.text, { columns: true })
    expect(rows.some((row) => row.channel === 'desk:desk1')).toBe(true)
  })

  it('cancels a desk payment that was not paid', async () => {
    const { patron } = await lookUp(desk, sandboxCards.severalFees)
    if (!patron) throw new Error('no patron')
    const created = checkoutCreatedSchema.parse(
      (
        await desk.call('POST', staffRoutes.deskCheckout.path, {
          body: { lookupId: patron.lookup.lookupId },
        })
      ).body,
    )
    const path = staffPath(staffRoutes.cancelDeskCheckout.path, { checkoutId: created.checkoutId })
    expect((await otherDesk.call('POST', path)).status).toBe(404)
    const cancelled = await desk.call('POST', path)
    expect(cancelled.status).toBe(200)
    expect(checkoutStateSchema.parse(cancelled.body).status).toBe('cancelled')
  })

  it('makes a QR pay link: unguessable, stored only as a hash, listed, revocable', async () => {
    const answer = await desk.call('POST', staffRoutes.createPayLink.path, {
      body: { patronId: sandboxCards.severalFees, send: 'qr' },
    })
    expect(answer.status).toBe(201)
    const link = createdPayLinkSchema.parse(answer.body)
    expect(link.qrSvg).toMatch(/^<svg/)
    const token = new URL(link.url).pathname.split('/').pop() ?? ''
    expect(new URL(link.url).pathname).toBe(`/pay/l/${token}`)
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16)
    // Neither the token nor the patron is in the link; the database holds only the token's hash.
    const primaryId = h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees)
    expect(link.url).not.toContain(primaryId)
    const expiresIn = Date.parse(link.expiresAt) - h.clock.now()
    expect(expiresIn).toBeGreaterThan(29 * 60_000)
    expect(expiresIn).toBeLessThanOrEqual(30 * 60_000)
    expect(readFileSync(h.dbPath).includes(Buffer.from(token))).toBe(false)

    const listPath = `${staffRoutes.payLinks.path}?patronId=${primaryId}`
    const listed = payLinksListSchema.parse((await desk.call('GET', listPath)).body)
    expect(listed.links.find((entry) => entry.id === link.id)).toMatchObject({
      delivery: 'qr',
      createdBy: 'desk:desk1',
      state: 'active',
    })

    // Opening it works until staff revoke it; then it is gone.
    const opened = await h.service.payLinks.open(token)
    expect(opened.primaryId).toBe(primaryId)
    const revoke = staffPath(staffRoutes.revokePayLink.path, { id: link.id })
    const revoked = await desk.call('DELETE', revoke)
    expect(revoked.status).toBe(200)
    expect(payLinkSchema.parse(revoked.body).state).toBe('revoked')
    await expect(h.service.payLinks.open(token)).rejects.toMatchObject({ kind: 'gone' })
    const after = payLinksListSchema.parse((await desk.call('GET', listPath)).body)
    expect(after.links.find((entry) => entry.id === link.id)?.state).toBe('revoked')
    const audit = await h.service.staffStore.listAudit({ target: `pay_link:${link.id}` })
    expect(audit.map((entry) => entry.action).sort()).toEqual([
      'pay_link_created',
      'pay_link_revoked',
    ])
  })

  it('lets a pay link expire, and refuses unknown tokens', async () => {
    const link = createdPayLinkSchema.parse(
      (
        await desk.call('POST', staffRoutes.createPayLink.path, {
          body: { patronId: sandboxCards.oneFee, send: 'qr' },
        })
      ).body,
    )
    const token = new URL(link.url).pathname.split('/').pop() ?? ''
    h.clock.advance(30 * 60_000)
    await expect(h.service.payLinks.open(token)).rejects.toBeInstanceOf(PayLinkError)
    await expect(h.service.payLinks.open(token)).rejects.toMatchObject({ kind: 'gone' })
    await expect(h.service.payLinks.open('A'.repeat(43))).rejects.toMatchObject({
      kind: 'not_found',
    })
    await expect(h.service.payLinks.open('../etc')).rejects.toMatchObject({ kind: 'not_found' })
    // The staff sessions idled out meanwhile.
    await desk.signIn('desk1', password)
  })

  it('refuses to email a link when email is not set up, leaving nothing behind', async () => {
    const answer = await desk.call('POST', staffRoutes.createPayLink.path, {
      body: { patronId: sandboxCards.oneFee, send: 'email' },
    })
    expect(answer.status).toBe(503)
    expect(errorOf(answer).code).toBe('email_unavailable')
  })

  it('offers "Pay on your phone" to a kiosk only when its institution turns it on', async () => {
    const lookup = await h.lookup(sandboxCards.oneFee)
    const ask = () =>
      fetch(`${h.baseUrl}${apiPaths.payLinks}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${h.kioskKey}` },
        body: JSON.stringify({ lookupId: lookup.lookupId }),
      })
    expect((await ask()).status).toBe(404)

    const on = await startHarness({ env: { KIOSK_PAY_ON_PHONE: 'true' } })
    try {
      const kioskLookup = await on.lookup(sandboxCards.oneFee)
      const askOn = (lookupId: string) =>
        fetch(`${on.baseUrl}${apiPaths.payLinks}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${on.kioskKey}` },
          body: JSON.stringify({ lookupId }),
        })
      const answer = await askOn(kioskLookup.lookupId)
      expect(answer.status).toBe(201)
      const link = kioskPayLinkSchema.parse(await answer.json())
      expect(link.qrSvg).toMatch(/^<svg/)
      const token = new URL(link.url).pathname.split('/').pop() ?? ''
      expect((await on.service.payLinks.open(token)).primaryId).toBe(
        on.sandboxAlma.primaryIdForCard(sandboxCards.oneFee),
      )
      // Only for a lookup this kiosk made and still holds.
      expect((await askOn('no-such-lookup-id')).status).toBe(410)
    } finally {
      await on.close()
    }
  })
})

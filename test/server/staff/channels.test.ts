/**
 * A patron's phone paying through a pay link and through Primo VE's "Pay fines" link (a token signed
 * by the sandbox Primo, checked by the real verifier against its key set), then what staff see: the
 * payments list filtered by channel and the reconciliation CSV's channel column. Kiosk and desk
 * payments are checked in staffApi.test.ts and desk.test.ts.
 */
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  payApiPaths,
  payCheckoutCreatedSchema,
  payCheckoutStateSchema,
  payFeesSchema,
} from '../../../common/payApi.ts'
import { paymentsPageSchema, staffRoutes } from '../../../common/staffApi.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
import { startSandboxPrimo, type SandboxPrimo } from '../../../server/sandbox/primo/index.ts'
import { localDay } from '../../../server/staff/days.ts'
import { drainOutbox, payOnSandbox, startHarness, type Harness } from '../payments/harness.ts'
import { PayBrowser, payLinkFor } from '../pay/payBrowser.ts'
import { staffClient, type StaffClient } from './staffClient.ts'

const password = 'correct horse battery staple'
const institution = '01CALS_TEST'

describe('server/staff channels: pay link and Primo payments in the staff views', () => {
  let primo: SandboxPrimo
  let h: Harness
  let supervisor: StaffClient
  const paid = { link: '', primo: '' }

  /** Pays everything the entered patron owes from their phone, through the sandbox CashNet. */
  async function payAll(browser: PayBrowser): Promise<string> {
    const fees = payFeesSchema.parse(await (await browser.json(payApiPaths.fees)).json())
    expect(fees.totalCents).toBeGreaterThan(0)
    const created = await browser.post(payApiPaths.checkouts, {})
    expect(created.status).toBe(201)
    await payOnSandbox(payCheckoutCreatedSchema.parse(await created.json()).checkoutUrl)
    await drainOutbox(h)
    const state = payCheckoutStateSchema.parse(
      await (await browser.json(payApiPaths.checkout)).json(),
    )
    expect(state.status).toBe('posted')
    return state.checkoutId
  }

  beforeAll(async () => {
    // The links it makes point at a placeholder; the test opens their path on the service.
    primo = await startSandboxPrimo({
      serviceUrl: 'http://127.0.0.1:9',
      institutionCodes: [institution],
    })
    h = await startHarness({
      env: {
        PRIMO_JWKS_URL: primo.jwksUrl(institution),
        PRIMO_INSTITUTION_CODE: institution,
        PRIMO_RETURN_ORIGINS: primo.origin,
      },
    })
    expect(h.institution).toBe(institution)
    await h.service.accounts.create('test', {
      username: 'super1',
      role: 'supervisor',
      institutions: [h.institution],
      password,
    })
    supervisor = staffClient(h.baseUrl)
    await supervisor.signIn('super1', password)

    const byLink = new PayBrowser(h.baseUrl)
    expect((await byLink.enter((await payLinkFor(h, sandboxCards.oneFee)).path)).status).toBe(303)
    paid.link = await payAll(byLink)

    const fromPrimo = new PayBrowser(h.baseUrl)
    const primoLink = new URL(
      await primo.payLink(institution, h.sandboxAlma.primaryIdForCard(sandboxCards.severalFees)),
    )
    expect((await fromPrimo.enter(`${primoLink.pathname}${primoLink.search}`)).status).toBe(303)
    paid.primo = await payAll(fromPrimo)
  })
  afterAll(async () => {
    await h.close()
    await primo.close()
  })

  it('lists each payment under its own channel, and only there', async () => {
    for (const channel of ['link', 'primo'] as const) {
      const answer = await supervisor.call('GET', `${staffRoutes.payments.path}?channel=${channel}`)
      expect(answer.status).toBe(200)
      const page = paymentsPageSchema.parse(answer.body)
      expect(page.payments.map((payment) => [payment.checkoutId, payment.channel])).toEqual([
        [paid[channel], channel],
      ])
      expect(page.payments[0]).toMatchObject({ status: 'posted', kioskId: null })
    }
    for (const channel of ['kiosk', 'desk'] as const) {
      const answer = await supervisor.call('GET', `${staffRoutes.payments.path}?channel=${channel}`)
      expect(paymentsPageSchema.parse(answer.body).payments).toEqual([])
    }
  })

  it('says link or primo in the reconciliation CSV’s channel column, on every line', async () => {
    const day = localDay(h.clock.now())
    const csv = await supervisor.call(
      'GET',
      `${staffRoutes.reconciliationCsv.path}?from=${day}&to=${day}`,
    )
    expect(csv.status).toBe(200)
    const rows = parse<Record<string, string>>(csv.text, { columns: true })
    for (const channel of ['link', 'primo'] as const) {
      const lines = rows.filter((row) => row.checkout_id === paid[channel])
      expect(lines.length).toBeGreaterThan(0)
      expect(new Set(lines.map((row) => row.channel))).toEqual(new Set([channel]))
    }
    // The Primo patron has several fees: one line each.
    expect(rows.filter((row) => row.checkout_id === paid.primo).length).toBeGreaterThan(1)
  })
})

/**
 * Demo only (`npm run demo` and the e2e tests, never the service): staff accounts to sign in with,
 * and payments that give every screen of the staff console something to show — kiosk payments paid
 * through the sandbox CashNet and posted to the sandbox Alma, one Alma refused (an `alma_refused`
 * exception), and CashNet payments that match no checkout (`unmatched_payment` exceptions).
 */
import { randomInt } from 'node:crypto'
import { finalCheckoutStatuses, type CheckoutStatus } from '../../common/api.ts'
import { cashnetSuccessResult, encodeForm, postbackFields } from '../../common/cashnet.ts'
import type { StaffRole } from '../../common/staffApi.ts'
import type { AssembledService } from '../assemble.ts'
import { sandboxCards, type SandboxAlma } from '../sandbox/alma/index.ts'
import { payOnSandbox } from '../sandbox/cashnet/index.ts'

/** The demo's staff password, printed at start; the demo runs on loopback only. */
export const demoStaffPassword = 'demo-staff-password'

export const demoStaffAccounts: readonly { username: string; role: StaffRole }[] = [
  { username: 'supervisor', role: 'supervisor' },
  { username: 'desk', role: 'desk' },
  { username: 'admin', role: 'admin' },
]

export interface StaffSeedCampus {
  code: string
  kioskId: string
  alma: SandboxAlma
  /** Where this campus's CashNet posts back (its secret in the path). */
  postbackUrl: string
}

const postedWithinMs = 30_000

async function settled(
  service: AssembledService,
  campus: StaffSeedCampus,
  checkoutId: string,
): Promise<CheckoutStatus> {
  const checkouts = service.institution(campus.code).checkouts
  const deadline = Date.now() + postedWithinMs
  let status: CheckoutStatus = 'pending'
  while (Date.now() < deadline) {
    status = (await checkouts.getState(campus.kioskId, checkoutId)).status
    if (finalCheckoutStatuses.includes(status)) return status
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`demo payment ${checkoutId} still ${status} after ${postedWithinMs} ms`)
}

/** A kiosk payment of `card`'s fees (or the first `feeCount` of them), paid on the sandbox page. */
async function kioskPayment(
  service: AssembledService,
  campus: StaffSeedCampus,
  card: string,
  options: { feeCount?: number; beforePaying?: (feeIds: string[]) => void } = {},
): Promise<{ checkoutId: string; status: CheckoutStatus; feeIds: string[] }> {
  const { lookups, checkouts } = service.institution(campus.code)
  const lookup = await lookups.lookup(campus.kioskId, card)
  const feeIds = lookup.fees.slice(0, options.feeCount ?? lookup.fees.length).map((fee) => fee.id)
  const created = await checkouts.create(campus.kioskId, { lookupId: lookup.lookupId, feeIds })
  options.beforePaying?.(feeIds)
  const paid = await payOnSandbox(created.checkoutUrl)
  if (paid.status >= 400) throw new Error(`the sandbox CashNet page answered ${paid.status}`)
  return {
    checkoutId: created.checkoutId,
    status: await settled(service, campus, created.checkoutId),
    feeIds,
  }
}

/** A payment CashNet reports for a checkout this service never made. */
async function unmatchedPayment(campus: StaffSeedCampus, amountCents: number): Promise<void> {
  const body = encodeForm(
    postbackFields({
      result: cashnetSuccessResult,
      respmessage: 'SUCCESS',
      tx: String(randomInt(10_000_000, 99_999_999)),
      batchno: '1',
      items: [{ itemCode: 'LIB-FINE', amountCents }],
      references: [{ index: 1, item: 1, type: 'CHECKOUT_ID', value: 'walk-up-terminal' }],
    }),
  )
  const answer = await fetch(campus.postbackUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })
  if (answer.status !== 200) throw new Error(`the demo's unmatched postback got ${answer.status}`)
}

export async function seedStaffDemo(
  service: AssembledService,
  campus: StaffSeedCampus,
): Promise<void> {
  for (const account of demoStaffAccounts) {
    await service.accounts.create('demo', {
      ...account,
      institutions: [campus.code],
      password: demoStaffPassword,
    })
  }
  // Posted in full, and a part payment of one fee.
  await kioskPayment(service, campus, sandboxCards.severalFees)
  await kioskPayment(service, campus, sandboxCards.unicode, { feeCount: 1 })
  // Alma refuses: the fee is "API restricted" when the money arrives. Lifted afterwards, so that
  // "Post to Alma again" succeeds when a supervisor tries it.
  const refused = await kioskPayment(service, campus, sandboxCards.external, {
    feeCount: 1,
    beforePaying: (feeIds) => {
      for (const feeId of feeIds) campus.alma.setFeeRestricted(feeId, true)
    },
  })
  for (const feeId of refused.feeIds) campus.alma.setFeeRestricted(feeId, false)
  // Money CashNet took at a terminal this service knows nothing about.
  await unmatchedPayment(campus, 750)
  await unmatchedPayment(campus, 1200)
}

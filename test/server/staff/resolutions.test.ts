/**
 * The exception resolutions that go beyond "apply to fee" (tested in staffApi.test.ts): retrying a
 * posting Alma refused, through the outbox to the sandbox Alma exactly once under CashNet's tx, and
 * recording a refund, which needs CashNet's refund reference. Over real HTTP, as the console does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  exceptionSchema,
  exceptionsListSchema,
  staffErrorSchema,
  staffPath,
  staffRoutes,
} from '../../../common/staffApi.ts'
import { sandboxCards } from '../../../server/sandbox/alma/index.ts'
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

const password = 'correct horse battery staple'

describe('server/staff exception resolutions: retry_posting and refunded', () => {
  let h: Harness
  const clients = {} as Record<'desk' | 'supervisor', StaffClient>

  beforeAll(async () => {
    h = await startHarness()
    for (const role of ['desk', 'supervisor'] as const) {
      await h.service.accounts.create('test', {
        username: `${role}1`,
        role,
        institutions: [h.institution],
        password,
      })
      clients[role] = staffClient(h.baseUrl)
      await clients[role].signIn(`${role}1`, password)
    }
  })
  afterAll(async () => {
    await h.close()
  })

  it('retries a posting Alma refused: queued again, posted exactly once with the CashNet tx, audited', async () => {
    // A kiosk payment of every fee, one of which Alma refuses (an API-restricted fee).
    const lookup = await h.lookup(sandboxCards.manyFees)
    const refused = lookup.fees[1]
    if (!refused) throw new Error('manyFees has several fees')
    h.sandboxAlma.setFeeRestricted(refused.id, true)
    const created = await h.checkouts.create(kioskId, { lookupId: lookup.lookupId })
    await payOnSandbox(created.checkoutUrl)
    await drainOutbox(h)
    const state = await h.checkouts.getState(kioskId, created.checkoutId)
    const tx = state.receipt?.transactionId ?? ''
    expect(state.status).toBe('posted_with_exceptions')
    const forTx = () =>
      h.sandboxAlma.ledger().filter((payment) => payment.externalTransactionId === tx)
    expect(forTx().map((payment) => payment.feeId)).not.toContain(refused.id)
    const postedBefore = forTx().length
    expect(postedBefore).toBe(lookup.fees.length - 1)

    const list = exceptionsListSchema.parse(
      (await clients.desk.call('GET', staffRoutes.exceptions.path)).body,
    )
    const exception = list.exceptions.find(
      (candidate) => candidate.checkoutId === created.checkoutId,
    )
    expect(exception).toMatchObject({
      kind: 'alma_refused',
      cashnetTx: tx,
      amountCents: refused.balanceCents,
      state: 'open',
      actions: ['retry_posting', 'apply_to_fee', 'refunded', 'written_off'],
    })
    const id = exception?.id ?? 0
    const path = staffPath(staffRoutes.resolveException.path, { id })
    const request = { action: 'retry_posting', note: 'Alma restriction lifted by the fines team' }
    const asDesk = await clients.desk.call('POST', path, { body: request })
    expect(asDesk.status).toBe(403)

    // Alma takes it now; the retry goes through the outbox once however often it is asked.
    h.sandboxAlma.setFeeRestricted(refused.id, false)
    const first = await clients.supervisor.call('POST', path, { body: request })
    expect(first.status).toBe(200)
    expect(exceptionSchema.parse(first.body)).toMatchObject({
      state: 'resolved',
      resolution: { action: 'retry_posting', by: 'supervisor1' },
    })
    expect(await h.worker.outboxDepth()).toBe(1)
    const again = await clients.supervisor.call('POST', path, { body: request })
    expect(again.status).toBe(200)
    await drainOutbox(h)
    await drainOutbox(h)

    const retried = forTx().filter((payment) => payment.feeId === refused.id)
    expect(retried.map((payment) => [payment.feeId, payment.amountCents])).toEqual([
      [refused.id, refused.balanceCents],
    ])
    expect(forTx()).toHaveLength(postedBefore + 1)
    const audit = await h.service.staffStore.listAudit({ target: `exception:${id}` })
    expect(audit.map((entry) => [entry.actor, entry.action])).toEqual([
      ['supervisor1', 'exception_resolve_repeated'],
      ['supervisor1', 'exception_resolved'],
    ])
    expect(audit[1]?.detail).toMatchObject({
      kind: 'alma_refused',
      action: 'retry_posting',
      note: request.note,
    })
  })

  it('records a refund only with its CashNet reference, stored and audited', async () => {
    const refundTx = `T${Date.now()}R`
    expect(
      (await postForm(h.postbackUrl, successPostback('no-such-checkout-2', refundTx, [425])))
        .status,
    ).toBe(200)
    const list = exceptionsListSchema.parse(
      (await clients.desk.call('GET', staffRoutes.exceptions.path)).body,
    )
    const id = list.exceptions.find((candidate) => candidate.cashnetTx === refundTx)?.id ?? 0
    expect(id).toBeGreaterThan(0)
    const path = staffPath(staffRoutes.resolveException.path, { id })
    const note = 'Refunded to the card at the patron’s request'
    const withoutReference = await clients.supervisor.call('POST', path, {
      body: { action: 'refunded', note },
    })
    expect([
      withoutReference.status,
      staffErrorSchema.parse(withoutReference.body).error.field,
    ]).toEqual([400, 'reference'])
    const blank = await clients.supervisor.call('POST', path, {
      body: { action: 'refunded', reference: '   ', note },
    })
    expect([blank.status, staffErrorSchema.parse(blank.body).error.field]).toEqual([
      400,
      'reference',
    ])
    expect(await h.service.staffStore.listAudit({ target: `exception:${id}` })).toEqual([])

    const refunded = await clients.supervisor.call('POST', path, {
      body: { action: 'refunded', reference: ' CN-REF-88121 ', note },
    })
    expect(refunded.status).toBe(200)
    expect(exceptionSchema.parse(refunded.body).resolution).toMatchObject({
      action: 'refunded',
      reference: 'CN-REF-88121',
      by: 'supervisor1',
      note,
    })
    // Stored: read back from the resolved list, and nothing went to Alma.
    const resolved = exceptionsListSchema.parse(
      (await clients.desk.call('GET', `${staffRoutes.exceptions.path}?state=resolved`)).body,
    )
    expect(resolved.exceptions.find((candidate) => candidate.id === id)).toMatchObject({
      state: 'resolved',
      actions: [],
      resolution: { action: 'refunded', reference: 'CN-REF-88121' },
    })
    expect(h.sandboxAlma.ledger().filter((p) => p.externalTransactionId === refundTx)).toEqual([])
    const audit = await h.service.staffStore.listAudit({ target: `exception:${id}` })
    expect(audit.map((entry) => [entry.actor, entry.action])).toEqual([
      ['supervisor1', 'exception_resolved'],
    ])
    expect(audit[0]?.detail).toMatchObject({
      action: 'refunded',
      refundReference: 'CN-REF-88121',
      note,
    })
  })
})

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  startSandboxAlma,
  type SandboxAlma,
  type SandboxPayFailure,
} from '../../../../server/sandbox/alma/index.ts'
import { almaCaller, errorCode, users, type FeeJson } from './almaCaller.ts'

/** Pays that fail, hang, answer late or answer nonsense: what the service must survive unpaid-twice. */
describe('server/sandbox/alma pay faults', () => {
  let alma: SandboxAlma
  const { call, theFee, payOneDollar: pay } = almaCaller(() => alma)
  const payer = 'jchen02'

  beforeAll(async () => {
    alma = await startSandboxAlma({ maxRequestsPerSecond: 1_000 })
  })
  afterEach(() => {
    alma.reset()
  })
  afterAll(async () => {
    await alma.close()
  })

  it('delays pays only, and applies a pay when it answers even if the client gave up', async () => {
    const fee = await theFee()
    alma.setFaults({ payDelayMs: 1_500 })
    const abandoned = pay(fee.id, AbortSignal.timeout(200))
    // GETs are not delayed: answered while the pay is still inside Alma, unapplied.
    const during = await call('GET', users(payer, `/fees/${fee.id}`))
    expect((during.body as FeeJson).balance).toBe(3)
    expect(alma.ledger()).toEqual([])
    await expect(abandoned).rejects.toThrow()
    expect(alma.ledger()).toEqual([])

    await vi.waitFor(
      () => {
        expect(alma.ledger()).toHaveLength(1)
      },
      { timeout: 5_000, interval: 20 },
    )
    expect((await theFee()).balance).toBe(2)
    const payCall = alma.requests().find((request) => request.kind === 'payFee')
    // No answer reached anyone, and the client had left before Alma applied the pay.
    expect(payCall?.status).toBe(0)
    expect(payCall?.endedAt).toBeLessThan(Date.parse(alma.ledger()[0]?.at ?? ''))
  })

  it.each<[SandboxPayFailure, number, string]>([
    ['error500', 500, '402119'],
    ['error503', 503, '402119'],
    ['threshold429', 429, 'PER_SECOND_THRESHOLD'],
  ])('fails a pay with %s and Alma’s error body, fee unchanged', async (answer, status, code) => {
    const fee = await theFee()
    alma.failPays({ answer })
    const failed = await pay(fee.id)
    expect([failed.status, errorCode(failed.body)]).toEqual([status, code])
    expect(alma.ledger()).toEqual([])
    expect((await theFee()).balance).toBe(3)
  })

  it('fails a pay with a gateway’s HTML 503, fee unchanged', async () => {
    const fee = await theFee()
    alma.failPays({ answer: 'gateway503' })
    const failed = await pay(fee.id)
    expect(failed.status).toBe(503)
    expect(failed.contentType).toContain('text/html')
    expect(alma.ledger()).toEqual([])
  })

  it('fails exactly `count` pays in a row, leaves GETs alone, then pays again', async () => {
    const fee = await theFee()
    alma.failPays({ answer: 'error500', count: 2 })
    expect((await call('GET', users(payer, `/fees/${fee.id}`))).status).toBe(200)
    expect((await pay(fee.id)).status).toBe(500)
    expect((await pay(fee.id)).status).toBe(500)
    expect((await pay(fee.id)).status).toBe(200)
    expect(alma.ledger()).toHaveLength(1)
  })

  it('does not spend a planned failure on a pay without the key', async () => {
    const fee = await theFee()
    alma.failPays({ answer: 'error500' })
    const unauthorized = await call('POST', users(payer, `/fees/${fee.id}`), { op: 'pay' }, {})
    expect(unauthorized.status).toBe(401)
    expect((await pay(fee.id)).status).toBe(500)
  })

  it('hangs a pay, unapplied, until the client disconnects', async () => {
    const fee = await theFee()
    alma.failPays({ answer: 'hang' })
    await expect(pay(fee.id, AbortSignal.timeout(150))).rejects.toThrow()
    await vi.waitFor(() => {
      expect(alma.requests().find((request) => request.kind === 'payFee')?.endedAt).toBeGreaterThan(
        0,
      )
    })
    expect(alma.requests().find((request) => request.kind === 'payFee')?.status).toBe(0)
    expect(alma.ledger()).toEqual([])
    expect((await theFee()).balance).toBe(3)
  })

  it('answers a 200 that cannot be read as a fee, without applying the pay', async () => {
    const fee = await theFee()
    alma.failPays({ answer: 'truncatedJson' })
    const cut = await pay(fee.id)
    expect(cut.status).toBe(200)
    expect(cut.contentType).toContain('application/json')
    expect(() => JSON.parse(cut.text) as unknown).toThrow()
    // What there is of it is the fee as it stands: unpaid.
    expect(cut.text.startsWith(`{"id":"${fee.id}"`)).toBe(true)
    alma.failPays({ answer: 'signInPage' })
    const page = await pay(fee.id)
    expect([page.status, page.contentType]).toEqual([200, 'text/html; charset=utf-8'])
    expect(alma.ledger()).toEqual([])
    expect((await theFee()).balance).toBe(3)
  })

  it('answers a 200 that cannot be read as a fee after applying the pay', async () => {
    const fee = await theFee()
    alma.failPays({ answer: 'truncatedJson', applied: true })
    const cut = await pay(fee.id)
    expect(cut.status).toBe(200)
    expect(() => JSON.parse(cut.text) as unknown).toThrow()
    expect(alma.ledger()).toMatchObject([{ feeId: fee.id, amountCents: 100 }])
    alma.failPays({ answer: 'error500', applied: true })
    expect((await pay(fee.id)).status).toBe(500)
    expect(alma.ledger()).toHaveLength(2)
    expect((await theFee()).balance).toBe(1)
  })

  it('refuses plans and faults that make no sense', () => {
    expect(() => {
      alma.failPays({ answer: 'error500', count: 0 })
    }).toThrow(RangeError)
    expect(() => {
      alma.failPays({ answer: 'nonsense' as SandboxPayFailure })
    }).toThrow(RangeError)
    expect(() => {
      alma.setFaults({ payDelayMs: -1 })
    }).toThrow(RangeError)
    expect(() => {
      alma.setFaults({ errorRate: 2 })
    }).toThrow(RangeError)
  })

  it('forgets planned failures and the pay delay on reset', async () => {
    alma.failPays({ answer: 'error500', count: 3 })
    alma.setFaults({ payDelayMs: 60_000 })
    alma.reset()
    expect((await pay((await theFee()).id)).status).toBe(200)
  })
})

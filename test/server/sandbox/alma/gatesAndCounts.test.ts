import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  sandboxCards,
  startSandboxAlma,
  type SandboxAlma,
} from '../../../../server/sandbox/alma/index.ts'
import { SandboxGateError } from '../../../../server/sandbox/gate.ts'
import { almaCaller, users } from './almaCaller.ts'

describe('server/sandbox/alma gates and call counts', () => {
  let alma: SandboxAlma
  const { call, theFee, payOneDollar: pay } = almaCaller(() => alma)
  const payer = 'jchen02'
  const values: number[] = []

  beforeAll(async () => {
    alma = await startSandboxAlma({
      maxRequestsPerSecond: 1_000,
      random: () => values.shift() ?? 0.99,
    })
  })
  afterEach(() => {
    alma.reset()
    values.length = 0
  })
  afterAll(async () => {
    await alma.close()
  })

  describe('gates', () => {
    it('holds a pay unapplied until released, while other kinds of call go through', async () => {
      const fee = await theFee()
      const gate = alma.hold('payFee')
      const paying = pay(fee.id)
      await gate.arrived()
      expect(gate.held()).toBe(1)
      expect((await call('GET', users(payer, `/fees/${fee.id}`))).status).toBe(200)
      expect(alma.ledger()).toEqual([])
      await gate.release()
      // release() resolves once the held call has been answered.
      expect(alma.requests().find((request) => request.kind === 'payFee')?.status).toBe(200)
      expect((await paying).status).toBe(200)
      expect(alma.ledger()).toHaveLength(1)
      expect(gate.held()).toBe(0)
      // The hold has ended: the next pay is not held.
      expect((await pay(fee.id)).status).toBe(200)
    })

    it('applies a held pay at release even when its client has given up', async () => {
      const fee = await theFee()
      const gate = alma.hold('payFee')
      const abandoned = pay(fee.id, AbortSignal.timeout(100))
      await gate.arrived()
      await expect(abandoned).rejects.toThrow()
      expect(alma.ledger()).toEqual([])
      await gate.release()
      expect(alma.ledger()).toHaveLength(1)
      expect((await theFee()).balance).toBe(2)
    })

    it('holds every call of the kind that arrives, and counts arrivals', async () => {
      const gate = alma.hold('getUser')
      const lookups = [1, 2, 3].map(() =>
        call('GET', users(sandboxCards.oneFee), { user_id_type: 'BARCODE' }),
      )
      await gate.arrived(3)
      expect(gate.held()).toBe(3)
      await gate.release()
      expect((await Promise.all(lookups)).map((answer) => answer.status)).toEqual([200, 200, 200])
      // Arrivals stay counted after the release.
      await expect(gate.arrived(3)).resolves.toBeUndefined()
      await expect(gate.arrived(4)).rejects.toMatchObject({ kind: 'gate_ended' })
    })

    it('refuses a second hold on the same kind, allows one after release', async () => {
      const gate = alma.hold('listFees')
      expect(() => alma.hold('listFees')).toThrow(/already held/)
      await gate.release()
      expect(() => alma.hold('listFees')).not.toThrow()
    })

    it('times out waiting for an arrival with a typed error', async () => {
      const gate = alma.hold('getFee')
      const waiting = gate.arrived(1, 50)
      await expect(waiting).rejects.toBeInstanceOf(SandboxGateError)
      await expect(waiting).rejects.toMatchObject({ kind: 'gate_timeout' })
    })

    it('drops held calls on reset: the connection closes, nothing is applied', async () => {
      const fee = await theFee()
      const gate = alma.hold('payFee')
      const paying = pay(fee.id)
      await gate.arrived()
      alma.reset()
      await expect(paying).rejects.toThrow()
      expect(alma.ledger()).toEqual([])
      expect((await theFee()).balance).toBe(3)
    })
  })

  describe('call counts', () => {
    it('counts each call that reached Alma by kind, refused ones and 429s included', async () => {
      const fee = await theFee() // listFees
      await call('GET', users(sandboxCards.oneFee), { user_id_type: 'BARCODE' })
      await call('GET', users(payer, `/fees/${fee.id}`))
      await pay(fee.id)
      await call('POST', users(payer, `/fees/${fee.id}`), { op: 'pay' }, {}) // 401
      await call('POST', users(payer, `/fees/${fee.id}`), { op: 'waive' }) // 400, not a pay
      await call('GET', '/almaws/v1/bibs/1') // an HTML 404
      alma.setFaults({ errorRate: 1 })
      values.push(0.1) // the lower half of the error rate: 429
      expect((await call('GET', users(payer, '/fees'))).status).toBe(429)
      expect(alma.callCounts()).toEqual({
        getUser: 1,
        listFees: 2,
        getFee: 1,
        payFee: 2,
        other: 2,
      })
      alma.reset()
      expect(alma.callCounts()).toEqual({ getUser: 0, listFees: 0, getFee: 0, payFee: 0, other: 0 })
    })
  })
})

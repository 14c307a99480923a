import { describe, expect, it } from 'vitest'
import { AlmaError } from '../../../../server/alma/errors.ts'
import { classifyPayFailure, nextStep } from '../../../../server/payments/posting/decisions.ts'

const settleMs = 120_000

describe('server/payments/posting/decisions', () => {
  describe('nextStep', () => {
    it('pays a row that was never attempted at once, without a re-read', () => {
      expect(
        nextStep({ attempts: 0, lastAttemptAt: null, attemptOutcome: null }, 5, settleMs),
      ).toEqual({ kind: 'pay' })
    })

    it('waits out the settle window after an attempt sent or uncertain', () => {
      for (const attemptOutcome of ['sent', 'uncertain'] as const) {
        const row = { attempts: 1, lastAttemptAt: 1_000, attemptOutcome }
        expect(nextStep(row, 1_000 + settleMs - 1, settleMs)).toEqual({
          kind: 'wait',
          until: 1_000 + settleMs,
        })
        expect(nextStep(row, 1_000 + settleMs, settleMs)).toEqual({ kind: 'reread' })
      }
    })

    it('re-reads at once after a definite refusal', () => {
      expect(
        nextStep({ attempts: 2, lastAttemptAt: 1_000, attemptOutcome: 'refused' }, 1_001, settleMs),
      ).toEqual({ kind: 'reread' })
    })
  })

  describe('classifyPayFailure', () => {
    it('leaves timeouts, network errors, 5xx, 429 and unreadable answers uncertain', () => {
      const uncertain = [
        new AlmaError('unavailable', 'timed out'),
        new AlmaError('unavailable', '503', { status: 503 }),
        new AlmaError('rate_limited', '429', { status: 429 }),
        new Error('something of ours'),
      ]
      for (const error of uncertain) {
        expect(classifyPayFailure(error)).toEqual({
          outcome: 'uncertain',
          unreadable: false,
          retryLater: true,
        })
      }
      expect(classifyPayFailure(new AlmaError('invalid_response', 'not JSON'))).toEqual({
        outcome: 'uncertain',
        unreadable: true,
        retryLater: true,
      })
    })

    it('takes Alma error answers and refused keys as not applied', () => {
      for (const kind of ['not_found', 'restricted', 'rejected'] as const) {
        expect(classifyPayFailure(new AlmaError(kind, 'no', { status: 400 }))).toEqual({
          outcome: 'refused',
          unreadable: false,
          retryLater: false,
        })
      }
      expect(classifyPayFailure(new AlmaError('auth', 'key', { status: 401 }))).toEqual({
        outcome: 'refused',
        unreadable: false,
        retryLater: true,
      })
    })
  })
})

/**
 * Transport faults on the pay call, on top of the real Alma client and the sandbox: the request is
 * lost before it reaches Alma, or Alma applies it and the answer is lost. Everything else goes to
 * the sandbox as it is. For tests that need one exact sequence of outcomes.
 */
import { AlmaError } from '../../../server/alma/errors.ts'
import type { AlmaPort } from '../../../server/alma/port.ts'

export type PayFault = 'none' | 'lost_request' | 'lost_answer'

export function withPayFaults(
  alma: AlmaPort,
  faultFor: (feeId: string, amountCents: number) => PayFault,
): AlmaPort {
  return {
    getUser: (userId, type) => alma.getUser(userId, type),
    listActiveFees: (userId, type) => alma.listActiveFees(userId, type),
    getFee: (primaryId, feeId) => alma.getFee(primaryId, feeId),
    async payFee(primaryId, feeId, payment) {
      const fault = faultFor(feeId, payment.amountCents)
      if (fault === 'lost_request') {
        throw new AlmaError('unavailable', 'Alma payFee: timed out (request lost before Alma)')
      }
      const answer = await alma.payFee(primaryId, feeId, payment)
      if (fault === 'lost_answer') {
        throw new AlmaError('unavailable', 'Alma payFee: timed out (applied, answer lost)')
      }
      return answer
    },
  }
}

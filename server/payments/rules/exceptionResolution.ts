/**
 * What staff may do with an exception, and whether a resolution request is new, a repeat, or in
 * conflict with the one already made. Pure: the repository applies the answer.
 */
import type { ResolutionAction } from '../../../common/staffApi.ts'
import type { PaymentExceptionKind } from '../../store/repository.ts'

const actionsByKind: Record<PaymentExceptionKind, readonly ResolutionAction[]> = {
  // Money that reached no fee: put it on one, or give it back, or write it off.
  unapplied_money: ['apply_to_fee', 'refunded', 'written_off'],
  unmatched_payment: ['apply_to_fee', 'refunded', 'written_off'],
  // The line is still being posted: staff can only ask for another try now.
  posting_stuck: ['retry_posting'],
  alma_refused: ['retry_posting', 'apply_to_fee', 'refunded', 'written_off'],
  alma_mismatch: ['retry_posting', 'refunded', 'written_off'],
}

export function resolutionActionsFor(
  kind: PaymentExceptionKind,
  resolved: boolean,
): readonly ResolutionAction[] {
  return resolved ? [] : actionsByKind[kind]
}

export interface ResolutionRequest {
  action: ResolutionAction
  feeId: string | null
  reference: string | null
}

export type ResolutionDecision =
  | { kind: 'apply' }
  /** The same resolution again: answered with what was done, nothing repeated. */
  | { kind: 'repeat' }
  | { kind: 'conflict'; reason: string }
  | { kind: 'not_allowed'; reason: string }

export function decideResolution(
  exception: {
    kind: PaymentExceptionKind
    resolvedAt: number | null
    resolutionAction: string | null
    resolution: { feeId?: string | null; reference?: string | null } | null
  },
  request: ResolutionRequest,
): ResolutionDecision {
  if (exception.resolvedAt !== null) {
    const same =
      exception.resolutionAction === request.action &&
      (exception.resolution?.feeId ?? null) === request.feeId &&
      (exception.resolution?.reference ?? null) === request.reference
    return same
      ? { kind: 'repeat' }
      : {
          kind: 'conflict',
          reason: `already resolved (${exception.resolutionAction ?? 'automatically'}); a resolved exception keeps its resolution`,
        }
  }
  if (!actionsByKind[exception.kind].includes(request.action)) {
    return {
      kind: 'not_allowed',
      reason: `${request.action} does not apply to ${exception.kind.replaceAll('_', ' ')}`,
    }
  }
  return { kind: 'apply' }
}

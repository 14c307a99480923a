/**
 * The exceptions queue: what staff see of each exception (with the patron, where the payment named
 * one, and the actions that apply now), the patron's active fees for "apply to fee", and
 * resolutions. A resolution that moves money queues an outbox row the posting worker delivers
 * exactly once, with CashNet's tx as Alma's `external_transaction_id`; it is idempotent (the same
 * resolution again answers what was done) and audited.
 */
import type {
  ExceptionState,
  PatronFees,
  ResolveRequest,
  StaffException,
} from '../../common/staffApi.ts'
import { AlmaError } from '../alma/errors.ts'
import type { AlmaPort } from '../alma/port.ts'
import type { InstitutionConfig } from '../config/types.ts'
import type { Clock } from '../ops/clock.ts'
import { resolutionActionsFor } from '../payments/rules/exceptionResolution.ts'
import type {
  CheckoutRecord,
  PaymentExceptionRecord,
  PaymentsRepository,
  ResolutionPosting,
} from '../store/repository.ts'
import type { StaffRepository } from '../store/staff.ts'
import type { StaffQueries } from '../store/staffQueries.ts'
import { staffName } from '../patrons/standing.ts'
import { StaffRequestError } from './errors.ts'
import { institutionsInScope } from './scope.ts'

const iso = (ms: number) => new Date(ms).toISOString()

function exceptionView(
  exception: PaymentExceptionRecord,
  checkout: CheckoutRecord | null,
): StaffException {
  const resolved = exception.resolvedAt !== null
  return {
    id: exception.id,
    reference: exception.reference,
    kind: exception.kind,
    institution: exception.institution,
    createdAt: iso(exception.createdAt),
    amountCents: exception.amountCents,
    cashnetTx: exception.tx,
    checkoutId: exception.checkoutId,
    patron: checkout ? { primaryId: checkout.primaryId, name: checkout.patronName } : null,
    reason: exception.reason,
    state: resolved ? 'resolved' : 'open',
    resolution: resolved
      ? {
          action: (exception.resolutionAction ?? 'posted') as NonNullable<
            StaffException['resolution']
          >['action'],
          by: exception.resolvedBy ?? 'system',
          at: iso(exception.resolvedAt ?? exception.createdAt),
          note: exception.resolution?.note ?? null,
          reference: exception.resolution?.reference ?? null,
          feeId: exception.resolution?.feeId ?? null,
        }
      : null,
    // Money of unknown amount cannot be applied to a fee: only refunded or written off.
    actions: resolutionActionsFor(exception.kind, resolved).filter(
      (action) => action !== 'apply_to_fee' || exception.amountCents !== null,
    ),
  }
}

export interface ExceptionsServiceDeps {
  repo: Pick<PaymentsRepository, 'getException' | 'getCheckout' | 'resolveException'>
  queries: StaffQueries
  staffStore: Pick<StaffRepository, 'appendAudit'>
  almaFor: (institution: string) => { alma: AlmaPort; institution: InstitutionConfig }
  clock: Clock
  /** Tells the posting worker there is work (a queued row). */
  wakeWorker: () => void
}

function almaRefusal(error: unknown): never {
  if (error instanceof AlmaError && error.kind === 'not_found') {
    throw new StaffRequestError('not_found', 'Alma has no patron with that id.', {
      field: 'patronId',
    })
  }
  throw new StaffRequestError('alma_unavailable', "Alma can't be reached right now; try again.", {
    cause: error,
  })
}

export function createExceptionsService(deps: ExceptionsServiceDeps) {
  const { repo, queries, clock } = deps

  async function list(
    own: readonly string[],
    query: { state: ExceptionState; kind?: StaffException['kind']; institution?: string },
  ): Promise<StaffException[]> {
    const institutions = institutionsInScope(own, query.institution)
    const exceptions = await queries.listExceptions({
      institutions,
      state: query.state,
      ...(query.kind ? { kind: query.kind } : {}),
      limit: 500,
    })
    const ids = [
      ...new Set(
        exceptions.flatMap((exception) => (exception.checkoutId ? [exception.checkoutId] : [])),
      ),
    ]
    const checkouts = new Map((await queries.checkoutsByIds(ids)).map((c) => [c.id, c]))
    return exceptions.map((exception) =>
      exceptionView(
        exception,
        exception.checkoutId ? (checkouts.get(exception.checkoutId) ?? null) : null,
      ),
    )
  }

  async function ownException(own: readonly string[], id: number) {
    const exception = await repo.getException(id)
    if (!exception || !own.includes(exception.institution)) {
      throw new StaffRequestError('not_found', 'No such exception.')
    }
    const checkout = exception.checkoutId ? await repo.getCheckout(exception.checkoutId) : null
    return { exception, checkout }
  }

  /** Whose money it is: the checkout's patron, or (for money that named none) the one staff chose. */
  function patronOf(checkout: CheckoutRecord | null, patronId: string | undefined): string {
    // A checkout made to carry an earlier resolution names a patron staff chose; money CashNet
    // took for a real checkout belongs to that checkout's patron.
    if (checkout && !checkout.channel.startsWith('staff:')) return checkout.primaryId
    if (patronId) return patronId
    throw new StaffRequestError(
      'invalid_request',
      'patronId: is required, this payment names no patron',
      { field: 'patronId' },
    )
  }

  /**
   * The patron (staff may type a primary id or any other identifier) and their active fees this
   * institution takes payments for.
   */
  async function patronWithFees(institution: string, patronId: string) {
    const { alma, institution: config } = deps.almaFor(institution)
    try {
      const user = await alma.getUser(patronId, 'all_unique')
      const list = await alma.listActiveFees(user.primaryId, 'all_unique')
      const payable = config.payments.payableOwners
      return {
        user,
        fees: list.fees.filter(
          (fee) =>
            fee.status === 'ACTIVE' &&
            fee.balanceCents > 0 &&
            (!payable || payable.has(fee.ownerCode)),
        ),
      }
    } catch (error) {
      return almaRefusal(error)
    }
  }

  /** A patron's active fees from Alma, to apply an exception's money to one; the read is audited. */
  async function fees(
    actor: { username: string; institutions: readonly string[] },
    id: number,
    patronId?: string,
  ): Promise<PatronFees> {
    const { exception, checkout } = await ownException(actor.institutions, id)
    const { user, fees: active } = await patronWithFees(
      exception.institution,
      patronOf(checkout, patronId),
    )
    await deps.staffStore.appendAudit({
      at: clock.now(),
      actor: actor.username,
      institution: exception.institution,
      action: 'exception_fees_viewed',
      target: `patron:${user.primaryId}`,
      detail: { exceptionId: exception.id, fees: active.length },
    })
    return {
      patron: { primaryId: user.primaryId, name: staffName(user) },
      fees: active.map((fee) => ({
        id: fee.id,
        type: fee.typeCode,
        description: fee.typeDescription,
        title: fee.title,
        createdAt: fee.creationTime,
        balanceCents: fee.balanceCents,
      })),
    }
  }

  async function postingFor(
    exception: PaymentExceptionRecord,
    checkout: CheckoutRecord | null,
    request: ResolveRequest,
  ): Promise<ResolutionPosting | null> {
    if (request.action === 'apply_to_fee') {
      if (exception.amountCents === null) {
        throw new StaffRequestError(
          'invalid_request',
          "action: CashNet's amount for this payment is unknown; refund or write it off",
          { field: 'action' },
        )
      }
      const { user, fees: active } = await patronWithFees(
        exception.institution,
        patronOf(checkout, request.patronId),
      )
      const primaryId = user.primaryId
      const fee = active.find((candidate) => candidate.id === request.feeId)
      if (!fee) {
        throw new StaffRequestError(
          'invalid_request',
          "feeId: is not one of the patron's active fees",
          { field: 'feeId' },
        )
      }
      return {
        primaryId,
        feeId: fee.id,
        feeDescription: fee.typeDescription,
        feeTitle: fee.title,
        amountCents: exception.amountCents,
      }
    }
    if (request.action === 'retry_posting' && exception.kind !== 'posting_stuck') {
      // The same line's money, to the same fee, once more.
      const [original] = (
        await queries.postingsOf(exception.checkoutId ? [exception.checkoutId] : [])
      ).filter((posting) => posting.id === exception.postingId)
      if (!original) {
        throw new StaffRequestError(
          'invalid_request',
          'action: there is no posting to retry; apply the money to a fee instead',
          { field: 'action' },
        )
      }
      return {
        primaryId: original.primaryId,
        feeId: original.feeId,
        feeDescription: original.feeDescription,
        feeTitle: original.feeTitle,
        amountCents: exception.amountCents ?? original.amountCents,
      }
    }
    return null
  }

  async function resolve(
    actor: { username: string; institutions: readonly string[] },
    id: number,
    request: ResolveRequest,
  ): Promise<StaffException> {
    const { exception, checkout } = await ownException(actor.institutions, id)
    // Alma is asked only when something would be done: a repeat or a conflict is answered as is.
    const posting =
      exception.resolvedAt === null ? await postingFor(exception, checkout, request) : null
    const result = await repo.resolveException({
      exceptionId: exception.id,
      institutions: actor.institutions,
      action: request.action,
      by: actor.username,
      note: request.note,
      reference: request.reference ?? null,
      feeId: request.feeId ?? null,
      posting,
      now: clock.now(),
    })
    if (result.kind === 'not_found') throw new StaffRequestError('not_found', 'No such exception.')
    if (result.kind === 'conflict')
      throw new StaffRequestError('conflict', `This exception is ${result.reason}.`)
    if (result.kind === 'not_allowed') {
      throw new StaffRequestError('invalid_request', `action: ${result.reason}`, {
        field: 'action',
      })
    }
    await deps.staffStore.appendAudit({
      at: clock.now(),
      actor: actor.username,
      institution: exception.institution,
      action: result.kind === 'resolved' ? 'exception_resolved' : 'exception_resolve_repeated',
      target: `exception:${exception.id}`,
      detail: {
        reference: exception.reference,
        kind: exception.kind,
        action: request.action,
        feeId: request.feeId ?? null,
        patronId: request.patronId ?? null,
        refundReference: request.reference ?? null,
        note: request.note,
      },
    })
    if (result.kind === 'resolved' && posting) deps.wakeWorker()
    const after = result.exception.checkoutId
      ? await repo.getCheckout(result.exception.checkoutId)
      : null
    return exceptionView(result.exception, after)
  }

  return { list, fees, resolve }
}

export type ExceptionsService = ReturnType<typeof createExceptionsService>

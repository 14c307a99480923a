/**
 * CashNet postback ingestion. The public door is screened first: a wrong secret (constant time), an
 * address outside the allowlist or a body that is not a form leaves only a small, capped record and
 * never its body, so the door cannot be used to fill the disk. A request that passes is stored raw,
 * first and append-only, then verified and acted on in one transaction. Only a postback that passes
 * every check moves money towards Alma; a verified payment that matches nothing is an exception for
 * staff; the rest is kept with its reason and answered 4xx.
 */
import type { Clock } from '../../ops/clock.ts'
import type {
  CheckoutRecord,
  PaymentsRepository,
  PostbackOutcome,
  RefusedRequestReason,
} from '../../store/repository.ts'
import { silentLogger, type PaymentsLogger } from '../logger.ts'
import type { CheckoutNotifier } from '../notifier.ts'
import { defaultRefType } from '../cashnetUrl.ts'
import { claimedSuccess, decideVerifiedPostback } from './matching.ts'
import { isFormContentType, parsePostback } from './parse.ts'
import { createIpAllowlist, secretMatches } from './verify.ts'

/** Bodies (and query strings) above this are rejected as oversized and stored truncated. */
export const postbackBodyLimitBytes = 16 * 1024
/** At most this many reference values are looked up per postback. */
const maxReferenceLookups = 20

export interface IncomingPostback {
  /** The secret path segment as presented. */
  secret: string
  method: string
  contentType: string | null
  /** The client address, already resolved (trusted proxy or socket). */
  sourceIp: string
  /** The query string without `?`. */
  rawQuery: string
  /** The body as received (possibly cut at the limit) and its full size in bytes; null when none. */
  body: { text: string; bytes: number } | null
}

export interface PostbackAnswer {
  statusCode: number
  outcome: PostbackOutcome
  reason: string | null
  /** The stored raw postback; null for a request refused at the door. */
  postbackId: number | null
}

/** What is known of a request before its body is read. */
export interface PostbackRequestHead {
  secret: string
  method: string
  contentType: string | null
  sourceIp: string
  /** The declared Content-Length (0 when none). */
  bodyBytes: number
}

export interface PostbackIngest {
  /** Checks the secret and the source before the body is read: an answer means refused. */
  screen(head: PostbackRequestHead): Promise<PostbackAnswer | null>
  ingest(postback: IncomingPostback): Promise<PostbackAnswer>
}

export interface PostbackIngestDeps {
  repo: PaymentsRepository
  notifier: CheckoutNotifier
  clock: Clock
  secret: string
  /** Source addresses or CIDR ranges CashNet posts from; empty allows any. */
  allowedIps?: readonly string[]
  /** Our reference type name in `refNtypeM` (default CHECKOUT_ID). */
  refType?: string
  /** Counts each outcome (the `kiosk_cashnet_postbacks_total{outcome}` counter). */
  onOutcome?: (outcome: PostbackOutcome) => void
  /** Called after a checkout became paid: wakes the posting worker. */
  onAccepted?: (checkoutId: string) => void
  logger?: PaymentsLogger
  /** How many refused requests' records are kept (default 10,000: about a megabyte). */
  refusedRequestsKept?: number
}

const defaultRefusedRequestsKept = 10_000

function cut(text: string): string {
  return text.length > postbackBodyLimitBytes ? text.slice(0, postbackBodyLimitBytes) : text
}

export function createPostbackIngest(deps: PostbackIngestDeps): PostbackIngest {
  const { repo, notifier, clock } = deps
  const logger = deps.logger ?? silentLogger
  const isAllowed = createIpAllowlist(deps.allowedIps ?? [])
  const refType = deps.refType ?? defaultRefType
  if (deps.secret === '') throw new Error('The CashNet postback secret must not be empty.')

  /** The distinct known checkouts the postback's reference values name. */
  async function knownCheckouts(references: readonly string[]): Promise<CheckoutRecord[]> {
    const found: CheckoutRecord[] = []
    for (const reference of references.slice(0, maxReferenceLookups)) {
      const checkout = await repo.getCheckout(reference)
      if (checkout) found.push(checkout)
    }
    return found
  }

  /** Keeps the small record of a refused request and answers it. */
  async function refuse(
    head: PostbackRequestHead,
    reason: RefusedRequestReason,
    statusCode: number,
    outcome: PostbackOutcome,
    message: string,
  ): Promise<PostbackAnswer> {
    await repo.recordRefusedRequest(
      {
        receivedAt: clock.now(),
        sourceIp: head.sourceIp,
        method: head.method,
        reason,
        contentType: head.contentType,
        bodyBytes: head.bodyBytes,
      },
      deps.refusedRequestsKept ?? defaultRefusedRequestsKept,
    )
    deps.onOutcome?.(outcome)
    logger.warn({ outcome, reason: message, sourceIp: head.sourceIp }, 'CashNet postback refused')
    return { statusCode, outcome, reason: message, postbackId: null }
  }

  function screen(head: PostbackRequestHead): Promise<PostbackAnswer | null> {
    if (!secretMatches(head.secret, deps.secret)) {
      return refuse(head, 'wrong_secret', 403, 'rejected_secret', 'wrong postback secret')
    }
    if (!isAllowed(head.sourceIp)) {
      return refuse(
        head,
        'address_not_allowed',
        403,
        'rejected_ip',
        `source ${head.sourceIp || '(unknown)'} not allowed`,
      )
    }
    return Promise.resolve(null)
  }

  async function ingest(incoming: IncomingPostback): Promise<PostbackAnswer> {
    const bodyBytes = incoming.body?.bytes ?? 0
    const head = { ...incoming, bodyBytes }
    const refused = await screen(head)
    if (refused) return refused
    const hasBody = incoming.body !== null && incoming.body.text.trim() !== ''
    if (hasBody && !isFormContentType(incoming.contentType)) {
      return refuse(
        head,
        'not_a_form',
        400,
        'rejected_malformed',
        `the body is ${incoming.contentType ?? 'of no declared type'}, not a form`,
      )
    }

    const now = clock.now()
    const oversized =
      bodyBytes > postbackBodyLimitBytes || incoming.rawQuery.length > postbackBodyLimitBytes
    // Verified: stored raw, first, before anything is decided.
    const postbackId = await repo.recordPostback({
      receivedAt: now,
      sourceIp: incoming.sourceIp,
      method: incoming.method,
      contentType: incoming.contentType,
      rawBody: incoming.body ? cut(incoming.body.text) : null,
      rawQuery: cut(incoming.rawQuery),
      bodyBytes,
      truncated: oversized,
    })

    const finish = (
      statusCode: number,
      outcome: PostbackOutcome,
      reason: string | null,
    ): PostbackAnswer => {
      deps.onOutcome?.(outcome)
      const log = { postbackId, outcome, reason, sourceIp: incoming.sourceIp }
      if (statusCode >= 400 || outcome === 'unmatched') {
        logger.warn(log, 'CashNet postback not accepted')
      } else logger.info(log, 'CashNet postback')
      return { statusCode, outcome, reason, postbackId }
    }
    const reject = async (
      statusCode: number,
      outcome: PostbackOutcome,
      reason: string,
      link: { tx?: string | null; checkoutId?: string | null } = {},
    ): Promise<PostbackAnswer> => {
      await repo.settlePostback(postbackId, {
        outcome,
        reason,
        tx: link.tx ?? null,
        checkoutId: link.checkoutId ?? null,
        now,
      })
      return finish(statusCode, outcome, reason)
    }

    if (oversized) {
      return reject(413, 'rejected_oversized', `${bodyBytes} bytes exceeds the limit`)
    }
    const parsed = parsePostback(
      incoming.body?.text ?? null,
      incoming.contentType,
      incoming.rawQuery,
      { refType },
    )
    const decision = decideVerifiedPostback({
      parsed,
      claimed: parsed.ok
        ? { succeeded: parsed.postback.succeeded, tx: parsed.postback.tx }
        : claimedSuccess(
            incoming.body?.text ?? null,
            isFormContentType(incoming.contentType),
            incoming.rawQuery,
          ),
      checkouts: parsed.ok ? await knownCheckouts(parsed.postback.references) : [],
    })

    switch (decision.kind) {
      case 'reject':
        return reject(decision.statusCode, decision.outcome, decision.reason)
      case 'unmatched': {
        const recorded = await repo.recordUnmatchedPayment({ postbackId, ...decision, now })
        // Answered OK: the money is ours to sort out now, and CashNet repeating it helps nobody.
        return finish(200, 'unmatched', `${decision.reason} (exception ${recorded.reference})`)
      }
      case 'decline': {
        const { checkoutId, tx, message } = decision
        const declined = await repo.recordDecline({ postbackId, checkoutId, tx, message, now })
        if (declined.kind === 'not_found') {
          return reject(422, 'rejected_reference', 'no known checkout', { tx, checkoutId })
        }
        if (declined.kind === 'failed') notifier.publish({ checkoutId, status: 'failed' })
        return finish(200, 'declined', declined.kind === 'ignored' ? 'checkout not pending' : null)
      }
      case 'accept':
        break
    }
    const { checkoutId } = decision
    const accepted = await repo.acceptPayment({ postbackId, ...decision, now })
    switch (accepted.kind) {
      case 'accepted':
        notifier.publish({ checkoutId, status: 'paid' })
        deps.onAccepted?.(checkoutId)
        return finish(
          200,
          'accepted',
          accepted.previousStatus === 'pending' ? null : `was ${accepted.previousStatus}`,
        )
      case 'duplicate':
        return finish(200, 'duplicate', null)
      case 'tx_reused':
        return finish(
          200,
          'unmatched',
          `tx already paid another checkout (exception ${accepted.exceptionReference})`,
        )
      case 'second_payment':
        return finish(200, 'unmatched', `second payment (exception ${accepted.exceptionReference})`)
      case 'not_found':
        return reject(422, 'rejected_reference', 'no known checkout', {
          tx: decision.tx,
          checkoutId,
        })
    }
  }

  return { screen, ingest }
}

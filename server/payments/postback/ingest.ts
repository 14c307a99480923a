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
  PostbackAction,
  PostbackOutcome,
  RefusedRequestReason,
  StoredPostback,
} from '../../store/repository.ts'
import { silentLogger, type PaymentsLogger } from '../logger.ts'
import { defaultRefType } from '../cashnetUrl.ts'
import { claimedSuccess, decideVerifiedPostback } from './matching.ts'
import { isFormContentType, parsePostback } from './parse.ts'
import { createIpAllowlist } from './verify.ts'

/** Bodies (and query strings) above this are rejected as oversized and stored truncated. */
export const postbackBodyLimitBytes = 16 * 1024
/** At most this many reference values are looked up per postback. */
const maxReferenceLookups = 20

interface IncomingPostback {
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
interface PostbackRequestHead {
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

/** What the ingest needs to know of an institution: its secret, its CashNet addresses, its refs. */
interface PostbackInstitution {
  code: string
  /** Source addresses or CIDR ranges CashNet posts from; empty allows any. */
  allowedIps: readonly string[]
  /** Our reference type name in `refNtypeM` (default CHECKOUT_ID). */
  refType?: string
}

export interface PostbackIngestDeps {
  repo: PaymentsRepository
  clock: Clock
  /** The institution whose postback secret this is; null for none. */
  institutionFor(secret: string): PostbackInstitution | null
  /** Counts each outcome (the `kiosk_cashnet_postbacks_total{outcome}` counter). */
  onOutcome?: (outcome: PostbackOutcome) => void
  logger?: PaymentsLogger
  /** How many refused requests' records are kept (default 10,000: about a megabyte). */
  refusedRequestsKept?: number
}

const defaultRefusedRequestsKept = 10_000

function cut(text: string): string {
  return text.length > postbackBodyLimitBytes ? text.slice(0, postbackBodyLimitBytes) : text
}

/** The 4xx/2xx CashNet gets for what the store did with its postback. */
function answerFor(
  stored: StoredPostback,
  decision: PostbackAction,
): [number, PostbackOutcome, string | null] {
  switch (stored.kind) {
    case 'rejected':
      if (decision.kind !== 'reject') return [422, 'rejected_reference', 'no known checkout']
      return [
        decision.outcome === 'rejected_oversized'
          ? 413
          : decision.outcome === 'rejected_malformed'
            ? 400
            : 422,
        decision.outcome,
        decision.reason,
      ]
    case 'accepted':
      return [
        200,
        'accepted',
        stored.previousStatus === 'pending' ? null : `was ${stored.previousStatus}`,
      ]
    case 'duplicate':
      return [200, 'duplicate', null]
    case 'declined':
      return [200, 'declined', stored.changed ? null : 'checkout not pending']
    case 'unmatched':
      // Answered OK: the money is ours to sort out now, and CashNet repeating it helps nobody.
      return [200, 'unmatched', `${stored.because} (exception ${stored.reference})`]
  }
}

export function createPostbackIngest(deps: PostbackIngestDeps): PostbackIngest {
  const { repo, clock } = deps
  const logger = deps.logger ?? silentLogger
  const allowlists = new Map<string, (address: string) => boolean>()
  const allowlistOf = (institution: PostbackInstitution) => {
    let allowed = allowlists.get(institution.code)
    if (!allowed) {
      allowed = createIpAllowlist(institution.allowedIps)
      allowlists.set(institution.code, allowed)
    }
    return allowed
  }

  /** The distinct known checkouts of this institution the postback's reference values name. */
  async function knownCheckouts(
    institution: string,
    references: readonly string[],
  ): Promise<CheckoutRecord[]> {
    const found: CheckoutRecord[] = []
    for (const reference of references.slice(0, maxReferenceLookups)) {
      const checkout = await repo.getCheckout(reference)
      if (checkout?.institution === institution) found.push(checkout)
    }
    return found
  }

  /** Keeps the small record of a refused request and answers it. */
  async function refuse(
    head: PostbackRequestHead,
    institution: string | null,
    reason: RefusedRequestReason,
    statusCode: number,
    outcome: PostbackOutcome,
    message: string,
  ): Promise<PostbackAnswer> {
    await repo.recordRefusedRequest(
      {
        institution,
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

  /** The secret says whose postback it is; the institution's allowlist says whether to believe it. */
  async function screened(
    head: PostbackRequestHead,
  ): Promise<{ refused: PostbackAnswer } | { institution: PostbackInstitution }> {
    const institution = deps.institutionFor(head.secret)
    if (!institution) {
      return {
        refused: await refuse(
          head,
          null,
          'wrong_secret',
          403,
          'rejected_secret',
          'wrong postback secret',
        ),
      }
    }
    if (!allowlistOf(institution)(head.sourceIp)) {
      return {
        refused: await refuse(
          head,
          institution.code,
          'address_not_allowed',
          403,
          'rejected_ip',
          `source ${head.sourceIp || '(unknown)'} not allowed`,
        ),
      }
    }
    return { institution }
  }

  async function screen(head: PostbackRequestHead): Promise<PostbackAnswer | null> {
    const result = await screened(head)
    return 'refused' in result ? result.refused : null
  }

  async function ingest(incoming: IncomingPostback): Promise<PostbackAnswer> {
    const bodyBytes = incoming.body?.bytes ?? 0
    const head = { ...incoming, bodyBytes }
    const result = await screened(head)
    if ('refused' in result) return result.refused
    const { institution } = result
    const hasBody = incoming.body !== null && incoming.body.text.trim() !== ''
    if (hasBody && !isFormContentType(incoming.contentType)) {
      return refuse(
        head,
        institution.code,
        'not_a_form',
        400,
        'rejected_malformed',
        `the body is ${incoming.contentType ?? 'of no declared type'}, not a form`,
      )
    }

    const now = clock.now()
    const oversized =
      bodyBytes > postbackBodyLimitBytes || incoming.rawQuery.length > postbackBodyLimitBytes
    let action: PostbackAction
    if (oversized) {
      action = {
        kind: 'reject',
        outcome: 'rejected_oversized',
        reason: `${bodyBytes} bytes exceeds the limit`,
        tx: null,
        checkoutId: null,
      }
    } else {
      const parsed = parsePostback(
        incoming.body?.text ?? null,
        incoming.contentType,
        incoming.rawQuery,
        {
          refType: institution.refType ?? defaultRefType,
        },
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
        checkouts: parsed.ok
          ? await knownCheckouts(institution.code, parsed.postback.references)
          : [],
      })
      action = decision.kind === 'reject' ? { ...decision, tx: null, checkoutId: null } : decision
    }

    // Verified: stored raw, first, in the same transaction as what it does.
    const stored = await repo.storePostback(
      {
        institution: institution.code,
        receivedAt: now,
        sourceIp: incoming.sourceIp,
        method: incoming.method,
        contentType: incoming.contentType,
        rawBody: incoming.body ? cut(incoming.body.text) : null,
        rawQuery: cut(incoming.rawQuery),
        bodyBytes,
        truncated: oversized,
      },
      action,
      now,
    )
    const [statusCode, outcome, reason] = answerFor(stored, action)
    deps.onOutcome?.(outcome)
    const log = { postbackId: stored.postbackId, outcome, reason, sourceIp: incoming.sourceIp }
    if (statusCode >= 400 || outcome === 'unmatched') {
      logger.warn(log, 'CashNet postback not accepted')
    } else logger.info(log, 'CashNet postback')
    return { statusCode, outcome, reason, postbackId: stored.postbackId }
  }

  return { screen, ingest }
}

/**
 * What turns the service's durable changes into queued messages. It reads the audit events (written
 * in the same transaction as each change) after a cursor, and queues the messages with the cursor's
 * move in one transaction, each with a dedupe key: a crash or restart neither loses nor repeats a
 * message. Digests and posting alerts are decided from the clock and the database, so they too
 * survive restarts. Rules (who gets what) are here; storage only stores.
 */
import { staffConsolePages, staffPath, staffPathPrefix } from '../../common/staffApi.ts'
import { serviceUrl } from '../../common/cashnet.ts'
import type { InstitutionConfig } from '../config/types.ts'
import type { Clock } from '../ops/clock.ts'
import type { MailQueue, NewMail } from '../store/mailQueue.ts'
import type { CheckoutRecord, EventRecord, PaymentsRepository } from '../store/repository.ts'
import type { StaffQueries } from '../store/staffQueries.ts'
import { queuedMail } from './compose.ts'
import { latestDigestAt, localDay, previousDigestAt } from './digestTime.ts'
import { exceptionAlertMail, postingAlertMail } from './messages/alerts.ts'
import { staffDigestMail } from './messages/staffDigest.ts'
import { staffPaymentMail } from './messages/staffPayment.ts'

export interface MailProducerDeps {
  queue: MailQueue
  repo: Pick<PaymentsRepository, 'getCheckout'>
  queries: Pick<StaffQueries, 'listCheckouts'>
  institutions: readonly InstitutionConfig[]
  clock: Clock
  publicBaseUrl: string
  /** Called after new messages were queued (wakes the sender). */
  onQueued: () => void
}

const eventsCursor = 'events'
const watchedEvents = ['checkout_posted', 'payment_exception'] as const
const batch = 200
/**
 * Messages are about recent changes: a service that ran without email for a while (or starts with
 * it for the first time over an old database) does not flood the inboxes with old news.
 */
const maxEventAgeMs = 24 * 3_600_000
const lateCheckoutsLimit = 200

const numberOr = (value: unknown): number | null => (typeof value === 'number' ? value : null)
const textOr = (value: unknown): string | null => (typeof value === 'string' ? value : null)

export function createMailProducer(deps: MailProducerDeps) {
  const byCode = new Map(deps.institutions.map((institution) => [institution.code, institution]))
  const consoleUrl = (path = '') => serviceUrl(deps.publicBaseUrl, `${staffPathPrefix}${path}`)
  const paymentUrl = (checkoutId: string) =>
    consoleUrl(staffPath(staffConsolePages.payment, { checkoutId }))

  async function mailsForEvent(event: EventRecord, now: number): Promise<NewMail[]> {
    const institution = byCode.get(event.institution)
    if (!institution || now - event.at > maxEventAgeMs) return []
    const { notify } = institution
    const libraryName = institution.kioskSettings.library.name
    if (event.type === 'checkout_posted' && event.checkoutId) {
      if (notify.staff !== 'each' || notify.staffTo.length === 0) return []
      const checkout = await deps.repo.getCheckout(event.checkoutId)
      if (!checkout) return []
      return [
        queuedMail({
          institution: institution.code,
          kind: 'staff_payment',
          dedupeKey: `staff_payment:${checkout.id}`,
          checkoutId: checkout.id,
          to: notify.staffTo,
          mail: staffPaymentMail(checkout, { libraryName, consoleUrl: paymentUrl(checkout.id) }),
          now,
        }),
      ]
    }
    if (event.type === 'payment_exception' && notify.alertTo.length > 0) {
      const reference = textOr(event.detail.reference) ?? `event-${String(event.id)}`
      return [
        queuedMail({
          institution: institution.code,
          kind: 'exception_alert',
          dedupeKey: `exception_alert:${institution.code}:${reference}`,
          checkoutId: event.checkoutId,
          to: notify.alertTo,
          mail: exceptionAlertMail(
            {
              reference,
              kind: textOr(event.detail.kind) ?? 'exception',
              tx: textOr(event.detail.tx),
              amountCents: numberOr(event.detail.amountCents),
              reason: textOr(event.detail.reason) ?? '',
              at: event.at,
            },
            {
              libraryName,
              currency: institution.kioskSettings.currency,
              consoleUrl: event.checkoutId ? paymentUrl(event.checkoutId) : consoleUrl(),
            },
          ),
          now,
        }),
      ]
    }
    return []
  }

  /** Every watched event after the cursor: their messages and the cursor's move, together. */
  async function fromEvents(now: number): Promise<number> {
    let queued = 0
    for (;;) {
      const position = await deps.queue.cursor(eventsCursor)
      const events = await deps.queue.eventsAfter(position, watchedEvents, batch)
      const last = events.at(-1)
      if (!last) return queued
      const mails: NewMail[] = []
      for (const event of events) mails.push(...(await mailsForEvent(event, now)))
      await deps.queue.enqueueAndAdvance(mails, { name: eventsCursor, position: last.id })
      queued += mails.length
      if (events.length < batch) return queued
    }
  }

  async function digests(now: number): Promise<number> {
    let queued = 0
    for (const institution of deps.institutions) {
      const { notify } = institution
      if (notify.staff !== 'digest' || notify.staffTo.length === 0) continue
      const digestAt = latestDigestAt(now, notify.digestAtMinutes)
      const dedupeKey = `staff_digest:${institution.code}:${localDay(digestAt)}`
      if (
        (await deps.queue.lastOfKind(institution.code, 'staff_digest'))?.dedupeKey === dedupeKey
      ) {
        continue
      }
      const fromMs = previousDigestAt(digestAt, notify.digestAtMinutes)
      const events = await deps.queue.eventsBetween(
        institution.code,
        ['checkout_posted'],
        fromMs,
        digestAt,
      )
      const checkouts: CheckoutRecord[] = []
      for (const event of events) {
        const checkout = event.checkoutId ? await deps.repo.getCheckout(event.checkoutId) : null
        if (checkout) checkouts.push(checkout)
      }
      const added = await deps.queue.enqueue(
        queuedMail({
          institution: institution.code,
          kind: 'staff_digest',
          dedupeKey,
          checkoutId: null,
          to: notify.staffTo,
          mail: staffDigestMail(checkouts, {
            libraryName: institution.kioskSettings.library.name,
            fromMs,
            toMs: digestAt,
          }),
          now,
        }),
      )
      if (added) queued += 1
    }
    return queued
  }

  async function postingAlerts(now: number): Promise<number> {
    let queued = 0
    for (const institution of deps.institutions) {
      const { notify } = institution
      if (notify.alertTo.length === 0) continue
      const interval = notify.postingAlertMs
      const last = await deps.queue.lastOfKind(institution.code, 'posting_alert')
      // At most once per interval, whatever the number of late payments.
      if (last && now - last.createdAt < interval) continue
      const paid = await deps.queries.listCheckouts({
        institutions: [institution.code],
        status: 'paid',
        sort: 'createdAt',
        order: 'asc',
        limit: lateCheckoutsLimit,
      })
      const late = paid.filter(
        (checkout) => checkout.paidAt !== null && checkout.paidAt <= now - interval,
      )
      if (late.length === 0) continue
      const added = await deps.queue.enqueue(
        queuedMail({
          institution: institution.code,
          kind: 'posting_alert',
          // Two instances deciding at once still make one message per interval.
          dedupeKey: `posting_alert:${institution.code}:${String(Math.floor(now / interval))}`,
          checkoutId: null,
          to: notify.alertTo,
          mail: postingAlertMail(late, {
            libraryName: institution.kioskSettings.library.name,
            afterMinutes: Math.round(interval / 60_000),
            now,
            consoleUrl: consoleUrl(),
          }),
          now,
        }),
      )
      if (added) queued += 1
    }
    return queued
  }

  /** One pass; answers how many messages it queued. */
  async function runOnce(): Promise<number> {
    const now = deps.clock.now()
    const queued = (await fromEvents(now)) + (await digests(now)) + (await postingAlerts(now))
    if (queued > 0) deps.onQueued()
    return queued
  }

  return { runOnce }
}

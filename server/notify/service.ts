/**
 * Email for one service: the producer (durable changes → queued messages), the sender loop, and
 * the two messages people ask for — the desk's pay link and the kiosk's "Email my receipt". Built
 * by the composition root; started with the background work and stopped on close.
 */
import { createHash } from 'node:crypto'
import type { Language } from '../../common/api.ts'
import type { AlmaPort } from '../alma/port.ts'
import type { InstitutionConfig } from '../config/types.ts'
import type { Clock } from '../ops/clock.ts'
import { maskEmail } from '../ops/redact.ts'
import { PaymentError } from '../payments/errors.ts'
import type { CheckoutService } from '../payments/checkoutService.ts'
import type { MailQueue } from '../store/mailQueue.ts'
import type { PaymentsRepository } from '../store/repository.ts'
import type { StaffQueries } from '../store/staffQueries.ts'
import { StaffRequestError } from '../staff/errors.ts'
import type { PayLinkMailer } from '../staff/deskService.ts'
import { queuedMail } from './compose.ts'
import { patronReceiptMail } from './messages/patronReceipt.ts'
import { payLinkMail } from './messages/payLink.ts'
import { createMailProducer } from './producer.ts'
import { createMailSender, type MailSenderDeps } from './sender.ts'
import type { MailTransport } from './transport.ts'

export interface NotifyServiceDeps {
  queue: MailQueue
  transport: MailTransport
  repo: Pick<PaymentsRepository, 'getCheckout'>
  queries: Pick<StaffQueries, 'listCheckouts'>
  institutions: readonly InstitutionConfig[]
  almaFor: (institution: string) => AlmaPort
  checkoutsFor: (institution: string) => Pick<CheckoutService, 'getState'>
  clock: Clock
  publicBaseUrl: string
  logger: MailSenderDeps['logger'] & {
    error(detail: Record<string, unknown>, message: string): void
  }
  sender?: Partial<Pick<MailSenderDeps, 'backoff' | 'random' | 'pollMs' | 'leaseMs' | 'owner'>>
  /** How often the producer looks for new events, digests and late payments (default 5 s). */
  producerPollMs?: number
}

export function createNotifyService(deps: NotifyServiceDeps) {
  const byCode = new Map(deps.institutions.map((institution) => [institution.code, institution]))
  const institutionOf = (code: string): InstitutionConfig => {
    const found = byCode.get(code)
    if (!found) throw new Error(`No institution "${code}" is configured.`)
    return found
  }
  const sender = createMailSender({
    queue: deps.queue,
    transport: deps.transport,
    clock: deps.clock,
    logger: deps.logger,
    owner: deps.sender?.owner ?? `mail-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    ...deps.sender,
  })
  const producer = createMailProducer({
    queue: deps.queue,
    repo: deps.repo,
    queries: deps.queries,
    institutions: deps.institutions,
    clock: deps.clock,
    publicBaseUrl: deps.publicBaseUrl,
    onQueued: () => {
      sender.wake()
    },
  })

  const preferredEmail = async (institution: string, primaryId: string): Promise<string | null> =>
    (await deps.almaFor(institution).getUser(primaryId, 'all_unique')).preferredEmail

  /** The desk's pay link, queued to the patron's preferred email in Alma. */
  const payLinkMailer: PayLinkMailer = async ({ institution, primaryId, url, expiresAt }) => {
    const config = institutionOf(institution)
    const to = await preferredEmail(institution, primaryId)
    if (!to) {
      throw new StaffRequestError(
        'patron_refused',
        'This patron has no preferred email in Alma; show the QR code instead.',
        { reason: 'no_email' },
      )
    }
    const now = deps.clock.now()
    await deps.queue.enqueue(
      queuedMail({
        institution,
        kind: 'pay_link',
        // The link itself is unique; its hash keys the message without repeating the token.
        dedupeKey: `pay_link:${createHash('sha256').update(url).digest('hex')}`,
        checkoutId: null,
        to: [to],
        mail: payLinkMail(url, expiresAt, {
          language: config.kioskSettings.defaultLanguage,
          libraryName: config.kioskSettings.library.name,
        }),
        now,
        // Whoever holds the link sees the patron's fees: once sent, only their mailbox keeps it.
        secretBody: true,
      }),
    )
    sender.wake()
    return { to }
  }

  /** "Email my receipt": the kiosk's own posted checkout, once, in the patron's language. */
  async function emailReceipt(input: {
    institution: string
    kioskId: string
    checkoutId: string
    language: Language
  }): Promise<{ sentTo: string }> {
    const config = institutionOf(input.institution)
    if (!config.kioskSettings.emailReceipt) {
      throw new PaymentError('email_unavailable', 'Receipts cannot be emailed here.')
    }
    // Answers checkout_not_found for another kiosk's checkout.
    const state = await deps
      .checkoutsFor(input.institution)
      .getState(input.kioskId, input.checkoutId)
    const checkout = await deps.repo.getCheckout(input.checkoutId)
    if (!state.receipt || checkout?.institution !== input.institution) {
      throw new PaymentError('not_posted', 'The receipt is not ready yet.')
    }
    const to = await preferredEmail(input.institution, checkout.primaryId)
    if (!to)
      throw new PaymentError('no_email', 'There is no email address on your library account.')
    const linesByFee = new Map(checkout.lines.map((line) => [line.feeId, line]))
    const now = deps.clock.now()
    await deps.queue.enqueue(
      queuedMail({
        institution: input.institution,
        kind: 'patron_receipt',
        dedupeKey: `patron_receipt:${checkout.id}`,
        checkoutId: checkout.id,
        to: [to],
        mail: patronReceiptMail(
          state.receipt,
          state.receipt.lines.map((line) => ({
            type: linesByFee.get(line.feeId)?.feeType ?? '',
            description: line.description,
            title: line.title,
            amountCents: line.amountCents,
          })),
          {
            language: input.language,
            libraryName: config.kioskSettings.library.name,
            currency: checkout.currency,
            feeTypeNames: config.kioskSettings.feeTypeNames,
          },
        ),
        now,
      }),
    )
    sender.wake()
    return { sentTo: maskEmail(to) }
  }

  const producerPollMs = deps.producerPollMs ?? 5_000
  let producerTimer: NodeJS.Timeout | null = null
  let producing: Promise<unknown> | null = null
  let again = false
  const produce = () => {
    if (producing) {
      again = true
      return
    }
    producing = producer
      .runOnce()
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'queueing email failed; trying again')
      })
      .finally(() => {
        producing = null
        if (again) {
          again = false
          produce()
        }
      })
  }

  return {
    producer,
    sender,
    payLinkMailer,
    emailReceipt,
    /** Look for new work now (a payment was just posted). */
    wake: produce,
    start() {
      sender.start()
      produce()
      producerTimer = setInterval(produce, producerPollMs)
      producerTimer.unref()
    },
    async stop() {
      if (producerTimer) clearInterval(producerTimer)
      producerTimer = null
      await producing
      await sender.stop()
    },
  }
}

export type NotifyService = ReturnType<typeof createNotifyService>

/**
 * The sender loop: claims due messages from the queue with a lease, sends each, and marks it sent
 * or failed with the next attempt put off by the shared backoff. A failure never loses a message
 * and never touches posting: the loop only reads and writes the mail queue.
 */
import { backoffDelayMs, type BackoffPolicy } from '../../common/backoff.ts'
import type { Clock } from '../ops/clock.ts'
import { maskEmail } from '../ops/redact.ts'
import type { MailQueue } from '../store/mailQueue.ts'
import type { MailTransport } from './transport.ts'

interface MailSenderLogger {
  info(detail: Record<string, unknown>, message: string): void
  warn(detail: Record<string, unknown>, message: string): void
}

export interface MailSenderDeps {
  queue: MailQueue
  transport: MailTransport
  clock: Clock
  owner: string
  logger: MailSenderLogger
  /** Between attempts of one message (default 30 s doubling to 1 h, jittered). */
  backoff?: BackoffPolicy
  random?: () => number
  leaseMs?: number
  batchSize?: number
  /** How often the loop looks for due messages when nothing woke it (default 5 s). */
  pollMs?: number
}

const defaultMailBackoff: BackoffPolicy = {
  baseMs: 30_000,
  maxMs: 3_600_000,
  jitter: 'equal',
}

/** A short, address-free description of why a send failed. */
function failureOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    const status = (error as { responseCode?: unknown }).responseCode
    return [
      typeof code === 'string' ? code : null,
      typeof status === 'number' ? String(status) : null,
    ]
      .filter(Boolean)
      .join(' ')
      .concat(`: ${error.message.replace(/<[^>]*@[^>]*>/g, '<…>')}`)
      .slice(0, 300)
  }
  return String(error).slice(0, 300)
}

export function createMailSender(deps: MailSenderDeps) {
  const backoff = deps.backoff ?? defaultMailBackoff
  const leaseMs = deps.leaseMs ?? 120_000
  const batchSize = deps.batchSize ?? 10
  const pollMs = deps.pollMs ?? 5_000
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let stopped = true
  let again = false

  /** Sends what is due now; answers how many were sent. */
  async function runOnce(): Promise<number> {
    const claimed = await deps.queue.claimDue(deps.owner, deps.clock.now(), leaseMs, batchSize)
    let sent = 0
    for (const mail of claimed) {
      try {
        await deps.transport.send(mail)
        await deps.queue.markSent(mail.id, deps.owner, {
          now: deps.clock.now(),
          to: mail.to.map(maskEmail).join(', '),
        })
        sent += 1
        deps.logger.info({ mailId: mail.id, kind: mail.kind }, 'email sent')
      } catch (error) {
        const now = deps.clock.now()
        const nextAttemptAt = now + backoffDelayMs(mail.attempts, backoff, deps.random)
        await deps.queue.markFailed(mail.id, deps.owner, {
          now,
          nextAttemptAt,
          error: failureOf(error),
        })
        deps.logger.warn(
          { mailId: mail.id, kind: mail.kind, attempts: mail.attempts + 1, nextAttemptAt },
          `email not sent, will retry: ${failureOf(error)}`,
        )
      }
    }
    return claimed.length === batchSize ? sent + (await runOnce()) : sent
  }

  function schedule(delayMs: number) {
    if (stopped) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(tick, delayMs)
    timer.unref()
  }

  function tick() {
    timer = null
    if (running) {
      again = true
      return
    }
    running = runOnce()
      .then(
        () => undefined,
        (error: unknown) => {
          deps.logger.warn({ err: error }, 'mail queue not readable; trying again')
        },
      )
      .finally(() => {
        running = null
        if (again) {
          again = false
          schedule(0)
        } else schedule(pollMs)
      })
  }

  return {
    runOnce,
    start() {
      if (!stopped) return
      stopped = false
      schedule(0)
    },
    /** Look now (a message was just queued). */
    wake() {
      if (stopped) return
      if (running) again = true
      else schedule(0)
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      await running
      deps.transport.close()
    },
  }
}

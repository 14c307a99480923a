/**
 * Checkout status changes between instances: `pg_notify` after the change has committed (a NOTIFY
 * inside every write transaction would serialise commits), `LISTEN` on one dedicated connection
 * that reconnects by itself. Only a wake-up: the tables stay the truth, and waiters re-read on a
 * timer, so a notification lost while reconnecting costs a moment, never a payment.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { z } from 'zod'
import { checkoutStatusSchema } from '../../../common/api.ts'
import type { CheckoutChange } from '../../payments/notifier.ts'
import type { PgDb } from './db.ts'
import { createClient, type PgConnectionOptions } from './pool.ts'

const statusChannelName = 'kiosk_checkout_status'

const messageSchema = z.object({
  origin: z.string(),
  checkoutId: z.string(),
  status: checkoutStatusSchema,
})

export interface StatusChannel {
  /** Tells the other instances (this one has already told its own listeners). */
  publish(change: CheckoutChange): Promise<void>
  /** Resolves once the LISTEN connection is up (again). */
  listening(): Promise<void>
  close(): Promise<void>
}

export interface StatusChannelOptions {
  /** A change another instance made. */
  onChange: (change: CheckoutChange) => void
  onError?: (error: Error) => void
  reconnectMs?: number
}

export function openStatusChannel(
  db: PgDb,
  connection: PgConnectionOptions,
  options: StatusChannelOptions,
): StatusChannel {
  const origin = randomUUID()
  const reconnectMs = options.reconnectMs ?? 1_000
  let closed = false
  let client: pg.Client | null = null
  let timer: NodeJS.Timeout | null = null
  let ready: Promise<void>

  const receive = (message: pg.Notification) => {
    if (message.channel !== statusChannelName || message.payload === undefined) return
    let parsed: z.infer<typeof messageSchema>
    try {
      parsed = messageSchema.parse(JSON.parse(message.payload))
    } catch {
      return
    }
    if (parsed.origin === origin) return
    options.onChange({ checkoutId: parsed.checkoutId, status: parsed.status })
  }

  const connect = async (): Promise<void> => {
    const next = createClient(connection)
    next.on('notification', receive)
    next.on('error', (error) => {
      options.onError?.(error)
      retry(next)
    })
    next.on('end', () => {
      retry(next)
    })
    await next.connect()
    await next.query(`LISTEN ${statusChannelName}`)
    if (closed) {
      await next.end()
      return
    }
    client = next
  }

  const start = () => {
    ready = connect().catch((error: unknown) => {
      options.onError?.(error instanceof Error ? error : new Error(String(error)))
      retry(null)
    })
  }

  function retry(failed: pg.Client | null) {
    if (closed || timer || (failed !== null && failed !== client)) return
    client = null
    failed?.removeAllListeners('notification')
    timer = setTimeout(() => {
      timer = null
      start()
    }, reconnectMs)
    timer.unref()
  }

  start()

  return {
    async publish(change) {
      const payload = JSON.stringify({ origin, ...change })
      await db.read((sql) => sql.get('SELECT pg_notify($1, $2)', [statusChannelName, payload]))
    },
    listening: () => ready,
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      await ready
      const current = client
      client = null
      await current?.end()
    },
  }
}

/**
 * Checkout status changes between instances: `pg_notify` after the change has committed (a NOTIFY
 * inside every write transaction would serialise commits), `LISTEN` on one dedicated connection
 * that reconnects by itself. Only a wake-up: the tables stay the truth, and waiters re-read on a
 * timer, so a notification lost while reconnecting costs a moment, never a payment.
 *
 * Changes published in one turn of the event loop go out together, in one statement (a round trip
 * and a socket write each, which is what a busy instance is short of), as few notifications as the
 * payload limit allows, in order; a message names its origin and a list of changes. A single change
 * without a list, as earlier versions sent, is read too.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { z } from 'zod'
import { checkoutStatusSchema } from '../../../common/api.ts'
import type { CheckoutChange } from '../../payments/notifier.ts'
import { prepared, type PgDb } from './db.ts'
import { createClient, type PgConnectionOptions } from './pool.ts'

const statusChannelName = 'kiosk_checkout_status'
const notifySql = prepared(
  'SELECT count(pg_notify($1, payload)) FROM unnest($2::text[]) AS payload',
)

const changeSchema = z.object({ checkoutId: z.string(), status: checkoutStatusSchema })
const messageSchema = z.union([
  z.object({ origin: z.string(), changes: z.array(changeSchema) }),
  changeSchema.extend({ origin: z.string() }),
])

/** Changes per notification: well under PostgreSQL's 8,000-byte payload limit. */
const maxChangesPerMessage = 40

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
    const changes = 'changes' in parsed ? parsed.changes : [parsed]
    for (const { checkoutId, status } of changes) options.onChange({ checkoutId, status })
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

  interface Queued {
    change: CheckoutChange
    sent: { resolve: () => void; reject: (error: unknown) => void }
  }
  let queued: Queued[] = []
  const send = () => {
    const batch = queued
    queued = []
    const payloads: string[] = []
    for (let start = 0; start < batch.length; start += maxChangesPerMessage) {
      const changes = batch
        .slice(start, start + maxChangesPerMessage)
        .map(({ change }) => ({ checkoutId: change.checkoutId, status: change.status }))
      payloads.push(JSON.stringify({ origin, changes }))
    }
    // One statement: its notifications are delivered together and in order.
    db.read((sql) => sql.get(notifySql, [statusChannelName, payloads])).then(
      () => {
        for (const { sent } of batch) sent.resolve()
      },
      (error: unknown) => {
        for (const { sent } of batch) sent.reject(error)
      },
    )
  }

  return {
    publish(change) {
      return new Promise<void>((resolve, reject) => {
        queued.push({ change, sent: { resolve, reject } })
        if (queued.length === 1) setImmediate(send)
      })
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

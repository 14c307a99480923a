/**
 * Status changes between instances: what one instance publishes in one turn of the event loop
 * reaches the other in one notification, in order; a message as earlier versions sent it (one
 * change, no list) is still understood; an instance never hears its own.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CheckoutChange } from '../../../../server/payments/notifier.ts'
import { openPostgresStore, type PostgresStore } from '../../../../server/store/postgres/index.ts'
import {
  openStatusChannel,
  type StatusChannel,
} from '../../../../server/store/postgres/statusChannel.ts'
import { testDatabase } from './testDatabase.ts'

const database = await testDatabase()
const cleanup: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

interface Instance {
  store: PostgresStore
  channel: StatusChannel
  heard: CheckoutChange[]
}

async function instance(): Promise<Instance> {
  if (!database.available) throw new Error('no database')
  const store = await openPostgresStore({ url: database.url, schema: 'status_channel' })
  const heard: CheckoutChange[] = []
  const channel = openStatusChannel(store.db, store.connection, {
    onChange: (change) => heard.push(change),
  })
  cleanup.push(
    () => store.close(),
    () => channel.close(),
  )
  await channel.listening()
  return { store, channel, heard }
}

/** Waits (bounded) until `heard` holds `count` changes. */
async function hear(heard: CheckoutChange[], count: number): Promise<void> {
  for (let tries = 0; heard.length < count && tries < 200; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe.skipIf(!database.available)(
  'server/store/postgres: status changes between instances',
  () => {
    it('sends the changes of one turn together and the other instance hears each, in order', async () => {
      const a = await instance()
      const b = await instance()
      const changes: CheckoutChange[] = Array.from({ length: 45 }, (_, index) => ({
        checkoutId: `c${index}`,
        status: index % 2 === 0 ? 'paid' : 'failed',
      }))
      await Promise.all(changes.map((change) => a.channel.publish(change)))
      await hear(b.heard, changes.length)
      expect(b.heard).toEqual(changes)
      expect(a.heard).toEqual([])
    })

    it('understands a single change without a list, as earlier versions sent it', async () => {
      const b = await instance()
      await b.store.db.read((sql) =>
        sql.get('SELECT pg_notify($1, $2)', [
          'kiosk_checkout_status',
          JSON.stringify({ origin: 'an-older-instance', checkoutId: 'c9', status: 'posted' }),
        ]),
      )
      await hear(b.heard, 1)
      expect(b.heard).toEqual([{ checkoutId: 'c9', status: 'posted' }])
    })
  },
)

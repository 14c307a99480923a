/**
 * Status change notifications: the postback ingest and the posting worker publish, the kiosk
 * long-poll and the worker's wake-up subscribe. In-process, and across instances when given a
 * transport (`acrossInstances`, PostgreSQL's LISTEN/NOTIFY). Not durable: the database stays the
 * truth, this only shortens the wait.
 */
import { EventEmitter } from 'node:events'
import type { CheckoutStatus } from '../../common/api.ts'

export interface CheckoutChange {
  checkoutId: string
  status: CheckoutStatus
}

type CheckoutListener = (change: CheckoutChange) => void

export interface CheckoutNotifier {
  publish(change: CheckoutChange): void
  /** Changes of one checkout; returns the unsubscribe function. */
  subscribe(checkoutId: string, listener: CheckoutListener): () => void
  /** Every change; returns the unsubscribe function. */
  subscribeAll(listener: CheckoutListener): () => void
  /** Current number of listeners (leak checks in tests and metrics). */
  listenerCount(): number
}

const everything = Symbol('every checkout')

export function createCheckoutNotifier(): CheckoutNotifier {
  const emitter = new EventEmitter<Record<string | typeof everything, [CheckoutChange]>>()
  // Every waiting kiosk is one listener: there is no meaningful maximum.
  emitter.setMaxListeners(0)

  const on = (key: string | typeof everything, listener: CheckoutListener) => {
    emitter.on(key, listener)
    return () => {
      emitter.off(key, listener)
    }
  }

  return {
    publish(change) {
      emitter.emit(change.checkoutId, change)
      emitter.emit(everything, change)
    },
    subscribe: (checkoutId, listener) => on(checkoutId, listener),
    subscribeAll: (listener) => on(everything, listener),
    listenerCount: () =>
      emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0),
  }
}

/**
 * Publishes every change here and to the other instances through `send` (which must not throw:
 * a lost notification only lengthens a wait). Changes the others send arrive by the caller
 * publishing them on `local`.
 */
export function acrossInstances(
  local: CheckoutNotifier,
  send: (change: CheckoutChange) => void,
): CheckoutNotifier {
  return {
    ...local,
    publish(change) {
      local.publish(change)
      send(change)
    },
  }
}

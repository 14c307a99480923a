/**
 * Status changes are published in one place: this wrapper around the repository publishes every
 * change a call actually made (the repository answers what changed), so services never publish by
 * hand and none can forget to. Long-polls and the posting worker's wake-up subscribe.
 */
import type { PaymentsRepository } from '../store/repository.ts'
import type { CheckoutNotifier } from './notifier.ts'

export function withStatusNotifications(
  repo: PaymentsRepository,
  notifier: CheckoutNotifier,
): PaymentsRepository {
  return new Proxy(repo, {
    get(target, property, receiver) {
      switch (property) {
        case 'transitionCheckout':
          return async (...args: Parameters<PaymentsRepository['transitionCheckout']>) => {
            const changed = await target.transitionCheckout(...args)
            if (changed) notifier.publish({ checkoutId: changed.id, status: changed.status })
            return changed
          }
        case 'expirePendingCheckouts':
          return async (...args: Parameters<PaymentsRepository['expirePendingCheckouts']>) => {
            const expired = await target.expirePendingCheckouts(...args)
            for (const checkoutId of expired) notifier.publish({ checkoutId, status: 'expired' })
            return expired
          }
        case 'storePostback':
          return async (...args: Parameters<PaymentsRepository['storePostback']>) => {
            const stored = await target.storePostback(...args)
            if (stored.kind === 'accepted' || (stored.kind === 'declined' && stored.changed)) {
              notifier.publish({ checkoutId: stored.checkout.id, status: stored.checkout.status })
            }
            return stored
          }
        case 'finalizeCheckout':
          return async (...args: Parameters<PaymentsRepository['finalizeCheckout']>) => {
            const done = await target.finalizeCheckout(...args)
            if (done) notifier.publish({ checkoutId: done.id, status: done.status })
            return done
          }
        default: {
          const value: unknown = Reflect.get(target, property, receiver)
          return typeof value === 'function'
            ? (value as (...a: unknown[]) => unknown).bind(target)
            : value
        }
      }
    },
  })
}

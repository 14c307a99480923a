/** The session's one checkout as the pay API reports it, in any status, for the status page's tests. */
import type { CheckoutStatus } from '../../../common/api.ts'
import type { PayCheckoutState } from '../../../common/payApi.ts'

export function payCheckoutState(
  status: CheckoutStatus,
  expiresAt: number,
  extra: Partial<PayCheckoutState> = {},
): PayCheckoutState {
  return {
    checkoutId: 'c_1',
    status,
    amountCents: 1500,
    lines: [{ feeId: 'f1', amountCents: 1500 }],
    expiresAt: new Date(expiresAt).toISOString(),
    ...extra,
  }
}

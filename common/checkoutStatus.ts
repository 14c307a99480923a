/**
 * A checkout's statuses, without zod (`common/api.ts` builds its schema from them and exports
 * both lists again): the kiosk's first chunk uses the final ones and stays free of the schemas.
 */
export const checkoutStatuses = [
  'pending',
  'paid',
  'posted',
  'posted_with_exceptions',
  'failed',
  'cancelled',
  'expired',
] as const

/** Statuses after which nothing more will change for the patron at the kiosk. */
export const finalCheckoutStatuses: readonly (typeof checkoutStatuses)[number][] = [
  'posted',
  'posted_with_exceptions',
  'failed',
  'cancelled',
  'expired',
]

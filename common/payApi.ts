/**
 * The patron payment pages (`/pay`): a patron on their own phone, through a pay link or Primo VE's
 * "Pay fines" link. Paths defined once for the service, the pages and the tests.
 */
export const payPaths = {
  /** Primo VE's payment link lands here with `?jwt=…`. */
  primo: '/pay/primo',
  /** A pay link: `/pay/l/<token>`. */
  link: '/pay/l',
  /** CashNet sends the patron's browser back here (GET or auto-submitted POST). */
  return: '/pay/return',
} as const

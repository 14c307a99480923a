/** The sandbox CashNet: a hosted checkout page with server-to-server postbacks, on loopback. */
export {
  startSandboxCashnet,
  type SandboxCashnet,
  type SandboxCashnetOptions,
  type SandboxCashnetSettings,
} from './server.ts'
export { sandboxCancel, sandboxDecline, type SandboxCashnetTransaction } from './payment.ts'
export type { SandboxPostbackAttempt } from './postbackDelivery.ts'
export { approvedTestCard, declinedTestCard } from './pages.ts'
export type { SandboxLine } from './checkoutRequest.ts'
export { payOnSandbox, type SandboxPayResult } from './payPage.ts'

/** The sandbox CashNet: a hosted checkout page with server-to-server postbacks, on loopback. */
export {
  sandboxCancel,
  sandboxDecline,
  startSandboxCashnet,
  type SandboxCashnet,
  type SandboxCashnetOptions,
  type SandboxCashnetSettings,
  type SandboxCashnetTransaction,
  type SandboxPostbackAttempt,
} from './server.ts'
export { approvedTestCard, declinedTestCard } from './pages.ts'
export type { SandboxLine } from './checkoutRequest.ts'

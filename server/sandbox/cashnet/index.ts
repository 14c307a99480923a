/** The sandbox CashNet: a hosted checkout page with server-to-server postbacks, on loopback. */
export {
  startSandboxCashnet,
  type SandboxCashnet,
  type SandboxCashnetOptions,
  type SandboxCashnetSettings,
} from './server.ts'
export { approvedTestCard, declinedTestCard } from './pages.ts'
export { payOnSandbox } from './payPage.ts'

/** The sandbox Primo: Primo VE's "Pay fines" link and Ex Libris's key set, on loopback. */
export { seedPrimoPatrons, startSandboxPrimo, type SandboxPrimo } from './server.ts'

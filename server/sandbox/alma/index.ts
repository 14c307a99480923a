/** The sandbox Alma: an Alma-compatible Users API on loopback for the demo and the tests. */
export { startSandboxAlma, type SandboxAlma, type SandboxAlmaOptions } from './server.ts'
export { sandboxPayFailures, type SandboxPayFailure } from './faults.ts'
export { sandboxAlmaCallKinds, type SandboxAlmaCallKind } from './callKinds.ts'
export { sandboxCards, standardSeed, type SandboxPatron } from './seed.ts'

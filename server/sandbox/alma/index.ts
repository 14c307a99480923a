/** The sandbox Alma: an Alma-compatible Users API on loopback for the demo and the tests. */
export {
  startSandboxAlma,
  type SandboxAlma,
  type SandboxAlmaOptions,
  type SandboxRequest,
} from './server.ts'
export {
  sandboxPayFailures,
  type SandboxAlmaFaultChanges,
  type SandboxAlmaFaults,
  type SandboxPayFailure,
  type SandboxPayFailurePlan,
} from './faults.ts'
export {
  sandboxAlmaCallKinds,
  type SandboxAlmaCallCounts,
  type SandboxAlmaCallKind,
} from './callKinds.ts'
export type { SandboxPayment } from './institution.ts'
export {
  feeTypes,
  sandboxCards,
  standardSeed,
  type SandboxBlock,
  type SandboxCode,
  type SandboxFee,
  type SandboxIdentifier,
  type SandboxPatron,
  type SandboxTransaction,
} from './seed.ts'

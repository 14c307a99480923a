import { backoffDelayMs } from '../../common/backoff.ts'

/**
 * How the kiosk heals itself. A failure of the kiosk page (renderer gone, unresponsive, failed to
 * load, heartbeat stalled) first gets a reload; too many failures in a short window get a full
 * relaunch of the app, each relaunch waiting longer than the last (the count survives relaunches
 * in the runtime state store and resets once the kiosk has run cleanly for a while).
 */
export interface RecoveryPolicy {
  /** Failures are counted over this window. */
  windowMs: number
  /** Up to this many failures in the window are answered with a reload. */
  maxReloadsInWindow: number
  relaunchBaseDelayMs: number
  relaunchMaxDelayMs: number
  /** After this long without a failure the relaunch count starts again from zero. */
  stableAfterMs: number
}

export const defaultRecoveryPolicy: RecoveryPolicy = {
  windowMs: 10 * 60_000,
  maxReloadsInWindow: 3,
  relaunchBaseDelayMs: 5_000,
  relaunchMaxDelayMs: 5 * 60_000,
  stableAfterMs: 30 * 60_000,
}

export type RecoveryAction = { action: 'reload' } | { action: 'relaunch'; delayMs: number }

/** Exponential: base, 2×base, 4×base, … capped at the maximum. */
export function relaunchDelayMs(relaunchCount: number, policy: RecoveryPolicy): number {
  return backoffDelayMs(relaunchCount, {
    baseMs: policy.relaunchBaseDelayMs,
    maxMs: policy.relaunchMaxDelayMs,
    jitter: 'none',
  })
}

/**
 * `failureTimes` includes the failure being handled now; `relaunchCount` is how many relaunches
 * happened since the kiosk last ran cleanly.
 */
export function planRecovery(
  input: { failureTimes: readonly number[]; now: number; relaunchCount: number },
  policy: RecoveryPolicy = defaultRecoveryPolicy,
): RecoveryAction {
  const recent = input.failureTimes.filter((time) => input.now - time < policy.windowMs).length
  if (recent <= policy.maxReloadsInWindow) return { action: 'reload' }
  return { action: 'relaunch', delayMs: relaunchDelayMs(input.relaunchCount, policy) }
}

/** Out-of-order retries against the service: 2 s, 4 s, 8 s, … up to a minute. */
export function serviceRetryDelayMs(attempt: number): number {
  return backoffDelayMs(attempt, { baseMs: 2_000, maxMs: 60_000, jitter: 'none' })
}

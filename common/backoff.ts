/**
 * One exponential backoff for every retry loop in the system: the Alma client's GET retries, the
 * posting worker's deferrals and the kiosk's own recovery (reload, relaunch, reconnect).
 *
 * Retry `n` (0 for the first retry) waits `base · 2ⁿ`, capped at `max`, then jittered:
 * - `none`: exactly that (a kiosk alone on its PC has nobody to collide with);
 * - `full`: uniform in [0, delay) — spreads many clients best (AWS Architecture Blog, "Exponential
 *   Backoff And Jitter");
 * - `equal`: uniform in [delay/2, delay] — never retries almost at once, still spread out.
 */
type BackoffJitter = 'none' | 'full' | 'equal'

export interface BackoffPolicy {
  baseMs: number
  maxMs: number
  jitter: BackoffJitter
}

/** Past this exponent the cap has long been reached; keeps 2ⁿ finite. */
const maxExponent = 30

export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(Math.floor(retry), 0), maxExponent)
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent)
  switch (policy.jitter) {
    case 'none':
      return delay
    case 'full':
      return Math.floor(random() * delay)
    case 'equal':
      return Math.round(delay * (0.5 + random() / 2))
  }
}

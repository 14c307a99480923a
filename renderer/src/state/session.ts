/** The patron session's lifetime: everything async started for a patron stops when it ends. */
export interface SessionScope {
  /** Aborted when the current patron session ends. */
  readonly signal: AbortSignal
  /** Ends the current session (aborting its work) and starts a fresh one. */
  renew(): void
}

export function createSessionScope(): SessionScope {
  let controller = new AbortController()
  return {
    get signal() {
      return controller.signal
    },
    renew() {
      controller.abort()
      controller = new AbortController()
    },
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve()
      return
    }
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

/**
 * Whether the session that `signal` belongs to has ended. A function, not `signal.aborted` inline,
 * because the flag changes across `await`s and TypeScript would narrow it as if it could not.
 */
export function ended(signal: AbortSignal): boolean {
  return signal.aborted
}

/**
 * A module kept out of the renderer's first chunk, loaded on demand or when the page is idle.
 * Unlike React.lazy, a module that has arrived renders synchronously from then on (no Suspense
 * round trip), so screens switch in the same frame as before; `use()` returns null only in the
 * moments before the module has first arrived.
 */
import { useSyncExternalStore } from 'react'

export interface DeferredModule<T> {
  /** Starts loading (once) and resolves with the module; a failed load is retried next call. */
  load(): Promise<T>
  /** The module if it has arrived, else null; never starts a load. */
  peek(): T | null
  /** React: the module once it has arrived (re-renders then), else null. */
  use(): T | null
}

export function deferredModule<T>(importer: () => Promise<T>): DeferredModule<T> {
  let loaded: T | null = null
  let loading: Promise<T> | null = null
  const listeners = new Set<() => void>()
  const subscribe = (listener: () => void) => {
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
    }
  }
  const peek = () => loaded
  return {
    load() {
      loading ??= importer().then(
        (module) => {
          loaded = module
          for (const listener of listeners) listener()
          return module
        },
        (error: unknown) => {
          loading = null
          throw error
        },
      )
      return loading
    },
    peek,
    use() {
      // The third argument serves the build's prerender (react-dom/server), which has no store.
      return useSyncExternalStore(subscribe, peek, peek)
    },
  }
}

/** Runs `task` when the page is idle (after the first paint), at the latest after `timeoutMs`. */
export function whenIdle(task: () => void, timeoutMs = 1_000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: timeoutMs })
  else setTimeout(task, 0)
}

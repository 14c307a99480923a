/** Loads what a screen shows, again when its inputs change; aborts a load that is no longer wanted. */
import { useCallback, useEffect, useState } from 'react'

export type Loaded<T> =
  | { status: 'loading'; data: T | null }
  | { status: 'ready'; data: T }
  | { status: 'error'; data: T | null; error: Error }

type Outcome<T> = { status: 'ready'; data: T } | { status: 'error'; error: Error }

export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  inputs: readonly unknown[],
): Loaded<T> & { reload: () => void } {
  const [generation, setGeneration] = useState(0)
  // The outcome of the last load, with the inputs it was for: another key means "loading".
  const [settled, setSettled] = useState<{ key: string; outcome: Outcome<T>; data: T | null }>()
  const key = JSON.stringify([...inputs, generation])
  const reload = useCallback(() => {
    setGeneration((value) => value + 1)
  }, [])

  useEffect(() => {
    const controller = new AbortController()
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted)
          setSettled({ key, outcome: { status: 'ready', data }, data })
      },
      (error: unknown) => {
        if (controller.signal.aborted) return
        setSettled((current) => ({
          key,
          outcome: {
            status: 'error',
            error: error instanceof Error ? error : new Error(String(error)),
          },
          data: current?.data ?? null,
        }))
      },
    )
    return () => {
      controller.abort()
    }
    // The screen names what the load depends on (`key`); `load` is a new closure every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])

  const stale = settled?.data ?? null
  if (settled?.key !== key) return { status: 'loading', data: stale, reload }
  if (settled.outcome.status === 'ready') return { ...settled.outcome, reload }
  return { status: 'error', data: stale, error: settled.outcome.error, reload }
}

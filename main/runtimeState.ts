/**
 * Local runtime state in electron-store (the app's userData folder): only what the kiosk needs to
 * heal itself across relaunches. No configuration, no secrets, no patron data live here.
 */
import ElectronStore from 'electron-store'
import { z } from 'zod'

const runtimeStateSchema = z.object({
  /** Relaunches since the kiosk last ran cleanly; drives the relaunch backoff. */
  relaunchCount: z.number().int().nonnegative(),
  /** When the last relaunch was requested (ms since epoch), for the log. */
  lastRelaunchAt: z.number().nullable(),
})
export type RuntimeState = z.infer<typeof runtimeStateSchema>

export const initialRuntimeState: RuntimeState = { relaunchCount: 0, lastRelaunchAt: null }

export interface RuntimeStateStore {
  read(): RuntimeState
  write(state: RuntimeState): void
}

/** A store that forgets on exit: used when the file cannot be opened, so the kiosk still runs. */
export function memoryRuntimeState(): RuntimeStateStore {
  let state = initialRuntimeState
  return {
    read: () => state,
    write: (next) => {
      state = runtimeStateSchema.parse(next)
    },
  }
}

export function openRuntimeState(options: { cwd?: string } = {}): RuntimeStateStore {
  const store = new ElectronStore<{ runtime: RuntimeState }>({
    name: 'runtime-state',
    ...(options.cwd ? { cwd: options.cwd } : {}),
    // A corrupt file (power cut mid-write) is reset rather than stopping the kiosk.
    clearInvalidConfig: true,
    defaults: { runtime: initialRuntimeState },
  })
  return {
    read: () => {
      const parsed = runtimeStateSchema.safeParse(store.get('runtime'))
      return parsed.success ? parsed.data : initialRuntimeState
    },
    write: (state) => {
      store.set('runtime', runtimeStateSchema.parse(state))
    },
  }
}

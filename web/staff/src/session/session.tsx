/**
 * Who is signed in, and the one API client every screen uses. The client is made once for the page
 * (`createConsoleClient`): it sends the session's CSRF token and tells the session when the service
 * answers 401 (the session expired or was ended elsewhere).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import type { ReactNode } from 'react'
import { roleAllows, type SessionInfo, type StaffRole } from '../../../../common/staffApi.ts'
import { createStaffApi, type StaffApi } from '../api/staffApi.ts'
import { StaffApiError } from '../api/staffApiError.ts'

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed_out'; ended: boolean }
  | { status: 'signed_in'; info: SessionInfo }

export interface ConsoleClient {
  api: StaffApi
  /** The token state-changing calls carry; null when signed out. */
  setCsrfToken: (token: string | null) => void
  /** Called whenever the service answers 401. */
  onSessionEnded: (listener: () => void) => () => void
}

export function createConsoleClient(fetchImpl?: typeof fetch): ConsoleClient {
  let token: string | null = null
  const listeners = new Set<() => void>()
  const api = createStaffApi({
    csrfToken: () => token,
    onUnauthorized: () => {
      token = null
      for (const listener of listeners) listener()
    },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  })
  return {
    api,
    setCsrfToken: (next) => {
      token = next
    },
    onSessionEnded: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

interface SessionContextValue {
  state: SessionState
  api: StaffApi
  signIn: (username: string, password: string) => Promise<void>
  signOut: () => Promise<void>
}

const SessionContext = createContext<SessionContextValue | null>(null)

export function SessionProvider({
  client,
  children,
}: {
  client: ConsoleClient
  children: ReactNode
}) {
  const [state, setState] = useState<SessionState>({ status: 'loading' })
  const { api } = client

  const enter = useCallback(
    (info: SessionInfo) => {
      client.setCsrfToken(info.csrfToken)
      setState({ status: 'signed_in', info })
    },
    [client],
  )

  useEffect(
    () =>
      client.onSessionEnded(() => {
        // A 401 while signed in: the session expired (idle) or was ended elsewhere.
        setState((current) => ({ status: 'signed_out', ended: current.status === 'signed_in' }))
      }),
    [client],
  )

  useEffect(() => {
    const controller = new AbortController()
    api.call('session', undefined, controller.signal).then(enter, (error: unknown) => {
      if (controller.signal.aborted) return
      // A 401 has already said "signed out" through onSessionEnded.
      if (!(error instanceof StaffApiError && error.kind === 'unauthorized')) {
        setState({ status: 'signed_out', ended: false })
      }
    })
    return () => {
      controller.abort()
    }
  }, [api, enter])

  const signIn = useCallback(
    async (username: string, password: string) => {
      await api.call('signIn', { body: { username, password } })
      enter(await api.call('session'))
    },
    [api, enter],
  )
  const signOut = useCallback(async () => {
    try {
      await api.call('signOut')
    } finally {
      client.setCsrfToken(null)
      setState({ status: 'signed_out', ended: false })
    }
  }, [api, client])

  const value = useMemo(() => ({ state, api, signIn, signOut }), [state, api, signIn, signOut])
  return <SessionContext value={value}>{children}</SessionContext>
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext)
  if (!value) throw new Error('useSession outside SessionProvider')
  return value
}

/** The signed-in staff member (screens behind the sign-in gate only). */
export function useStaff(): SessionInfo & { may: (role: StaffRole) => boolean } {
  const { state } = useSession()
  if (state.status !== 'signed_in') throw new Error('useStaff while signed out')
  return { ...state.info, may: (role) => roleAllows(state.info.role, role) }
}

export function useApi(): StaffApi {
  return useSession().api
}

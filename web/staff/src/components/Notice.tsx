import type { ReactNode } from 'react'
import { errorMessage } from '../api/staffApiError.ts'

/** An error a person should read now (announced at once). */
export function ErrorNotice({ error }: { error: unknown }) {
  return (
    <p className="notice notice-error" role="alert">
      {errorMessage(error)}
    </p>
  )
}

/** Something done, or a state worth saying (announced politely). */
export function StatusNotice({ children }: { children: ReactNode }) {
  return (
    <p className="notice notice-ok" role="status">
      {children}
    </p>
  )
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  )
}

import type { StaffError } from '../../../../common/staffApi.ts'

/** What went wrong with a staff API call: the service's error code, or the network's. */
export type StaffApiErrorKind = StaffError['error']['code'] | 'network' | 'bad_answer'

export class StaffApiError extends Error {
  readonly kind: StaffApiErrorKind
  readonly status: number
  /** The field at fault, for a 400 (`body.feeId`, `query.from`, …). */
  readonly field: string | undefined
  /** The kiosk API's finer reason behind `payment_refused` / `patron_refused`. */
  readonly reason: string | undefined
  /** Bad rows of an upload, by line number. */
  readonly lines: readonly { line: number; message: string }[]

  constructor(
    kind: StaffApiErrorKind,
    message: string,
    details: {
      status?: number
      field?: string | undefined
      reason?: string | undefined
      lines?: readonly { line: number; message: string }[] | undefined
    } = {},
  ) {
    super(message)
    this.name = 'StaffApiError'
    this.kind = kind
    this.status = details.status ?? 0
    this.field = details.field
    this.reason = details.reason
    this.lines = details.lines ?? []
  }
}

/** A message a person can act on, for any error a screen catches. */
export function errorMessage(error: unknown): string {
  if (error instanceof StaffApiError) return error.message
  if (error instanceof Error) return error.message
  return 'Something went wrong.'
}

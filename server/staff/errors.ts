import type { StaffError } from '../../common/staffApi.ts'

export type StaffErrorKind = StaffError['error']['code']

/** A staff request refused, classified so the routes map `kind` to a status. */
export class StaffRequestError extends Error {
  override readonly name = 'StaffRequestError'
  readonly kind: StaffErrorKind
  readonly field: string | undefined
  readonly lines: { line: number; message: string }[] | undefined
  readonly reason: string | undefined

  constructor(
    kind: StaffErrorKind,
    message: string,
    details: {
      field?: string
      lines?: { line: number; message: string }[]
      reason?: string
      cause?: unknown
    } = {},
  ) {
    super(message, { cause: details.cause })
    this.kind = kind
    this.field = details.field
    this.lines = details.lines
    this.reason = details.reason
  }
}

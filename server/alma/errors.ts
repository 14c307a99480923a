export type AlmaErrorKind =
  | 'not_found'
  | 'restricted'
  | 'rate_limited'
  | 'unavailable'
  | 'auth'
  | 'invalid_response'
  | 'rejected'

/** Any failure talking to Alma, classified so callers branch on `kind`, never on message text. */
export class AlmaError extends Error {
  override readonly name = 'AlmaError'
  readonly kind: AlmaErrorKind
  /** HTTP status, when Alma answered. */
  readonly status: number | null
  /** Alma's errorCode values from the error body, when present. */
  readonly codes: readonly string[]

  constructor(
    kind: AlmaErrorKind,
    message: string,
    details: { status?: number | null; codes?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause })
    this.kind = kind
    this.status = details.status ?? null
    this.codes = details.codes ?? []
  }

  /** Worth trying again later: Alma was busy or unreachable. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable'
  }
}

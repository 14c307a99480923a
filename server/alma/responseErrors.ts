/**
 * Turns whatever came back from Alma (or did not) into an `AlmaError` with a `kind`.
 * Messages name the operation, the HTTP status, Alma's codes and tracking id; never a URL or Alma's
 * own error message (both can hold the card number or the primary id) and never the request
 * configuration (it holds the API key).
 */
import { AlmaError, type AlmaErrorKind } from './errors.ts'
import { almaErrorBodySchema } from './schemas.ts'

/** User not found (by any or by a given id type), identifier not found, fine not found. */
const notFoundCodes = new Set(['401861', '401890', '401651', '401665'])
/** "The fee is API Restricted by library". */
const restrictedCodes = new Set(['60340'])

export interface AlmaErrorDetail {
  code: string
  message: string
  trackingId: string | null
}

/**
 * Alma's error list from a response body, or null when the body is not an Alma error.
 * Alma answers some gateway-level errors in XML even when JSON was asked for, so both are read.
 */
export function parseAlmaErrorBody(body: string): AlmaErrorDetail[] | null {
  const text = body.trim()
  if (text.startsWith('{')) {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return null
    }
    const parsed = almaErrorBodySchema.safeParse(json)
    if (!parsed.success) return null
    return parsed.data.errorList.error.map((error) => ({
      code: error.errorCode,
      message: error.errorMessage ?? '',
      trackingId: error.trackingId ?? null,
    }))
  }
  if (text.startsWith('<') && /<errorsExist>\s*true\s*<\/errorsExist>/.test(text)) {
    const details: AlmaErrorDetail[] = []
    for (const match of text.matchAll(/<error>([\s\S]*?)<\/error>/g)) {
      const inner = match[1] ?? ''
      const field = (name: string) =>
        new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(inner)?.[1]?.trim() ?? null
      const code = field('errorCode')
      if (code)
        details.push({
          code,
          message: field('errorMessage') ?? '',
          trackingId: field('trackingId'),
        })
    }
    return details.length > 0 ? details : null
  }
  return null
}

function kindForCodes(codes: readonly string[]): AlmaErrorKind {
  if (codes.some((code) => notFoundCodes.has(code))) return 'not_found'
  if (codes.some((code) => restrictedCodes.has(code))) return 'restricted'
  return 'rejected'
}

/** Classifies an HTTP answer that is not a success (or a success carrying `errorsExist`). */
export function almaErrorFromResponse(operation: string, status: number, body: string): AlmaError {
  const details = parseAlmaErrorBody(body)
  const codes = details?.map((detail) => detail.code) ?? []
  const suffix = codes.length > 0 ? `: code ${codes.join(', ')}` : ''
  const tracking = details?.find((detail) => detail.trackingId)?.trackingId
  const trackingSuffix = tracking ? ` (tracking id ${tracking})` : ''
  const make = (kind: AlmaErrorKind, what: string) =>
    new AlmaError(kind, `Alma ${operation}: ${what} (HTTP ${status})${suffix}${trackingSuffix}`, {
      status,
      codes,
    })

  if (status === 429) return make('rate_limited', 'over the request threshold')
  if (status === 401 || status === 403) return make('auth', 'API key refused')
  if (status >= 500) return make('unavailable', 'server error')
  if (details) return make(kindForCodes(codes), 'request refused')
  return make('invalid_response', 'unexpected answer that is not an Alma error')
}

/** For an answer we could not read (not JSON, or not the shape Alma documents). */
export function invalidResponse(operation: string, status: number, problem: string): AlmaError {
  return new AlmaError('invalid_response', `Alma ${operation}: ${problem} (HTTP ${status})`, {
    status,
  })
}

/** For a request that got no HTTP answer: timeout, refused or reset connection, DNS failure. */
export function unavailableWithoutAnswer(operation: string, reason: string): AlmaError {
  return new AlmaError('unavailable', `Alma ${operation}: no answer (${reason})`, {
    status: null,
    // A plain error, not the HTTP library's: that one carries the request headers (the API key).
    cause: new Error(reason),
  })
}

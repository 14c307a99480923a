/**
 * What the sandbox Alma answers, apart from HTTP plumbing: the Users API routed to the institution
 * (key check, paths, Alma's error bodies) and the pages a gateway in front of Alma serves.
 */
import { almaErrorJson, feeJson, feeListJson, userJson } from './almaJson.ts'
import { SandboxAlmaRefusal, type SandboxInstitution } from './institution.ts'

/** An answer ready to send: status, body text and whether it is Alma's JSON or a gateway's HTML. */
export interface Answer {
  status: number
  format: 'json' | 'html'
  text: string
}

const jsonAnswer = (status: number, body: unknown): Answer => ({
  status,
  format: 'json',
  text: JSON.stringify(body),
})
const htmlAnswer = (status: number, text: string): Answer => ({ status, format: 'html', text })

export const gatewayUnavailable = htmlAnswer(
  503,
  '<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>Service Temporarily Unavailable</h1></body></html>',
)
const gatewayNotFound = htmlAnswer(
  404,
  '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>',
)
/** A 200 that is not Alma at all: a proxy's sign-in page where the fee JSON should be. */
export const proxySignInPage = htmlAnswer(
  200,
  '<!doctype html><html><head><title>Sign in</title></head><body><form method="post"><input name="username"></form></body></html>',
)

export const generalError = 'General Error - An error has occurred while processing the request.'
export const thresholdMessage = 'HTTP requests are more than allowed per second'

/** Alma's error answers, each with a new tracking id as Alma gives. */
export function createRefusals(): (status: number, code: string, message: string) => Answer {
  let serial = 0
  return (status, code, message) => {
    serial += 1
    const trackingId = `E01-SANDBOX-${String(serial).padStart(6, '0')}`
    return jsonAnswer(status, almaErrorJson(code, message, trackingId))
  }
}

export interface AlmaApiDeps {
  institution: SandboxInstitution
  apiKey: string
  baseUrl: () => string
  refusal: ReturnType<typeof createRefusals>
}

export interface AlmaCall {
  method: string
  pathname: string
  query: Record<string, string>
  authorization: string | undefined
}

/** The key in `Authorization: apikey …`, or `?apikey=` (Alma accepts both; tests catch the latter). */
export function isAuthorized(call: AlmaCall, apiKey: string): boolean {
  const header = /^apikey\s+(\S+)$/i.exec(call.authorization ?? '')
  return header?.[1] === apiKey || call.query.apikey === apiKey
}

/** Routes /almaws/v1/users/… to the institution; null when the path is not an Alma one. */
function route(
  deps: AlmaApiDeps,
  method: string,
  segments: string[],
  query: Record<string, string>,
) {
  const { institution, refusal } = deps
  if (segments[0] !== 'almaws' || segments[1] !== 'v1' || segments[2] !== 'users') return null
  const [, , , userId, fees, feeId, ...rest] = segments
  if (userId === undefined || rest.length > 0) return null
  const userIdType = query.user_id_type ?? 'all_unique'

  if (fees === undefined) {
    if (method !== 'GET') return null
    const patron = institution.findUser(userId, userIdType)
    // Alma errors on expand=fees for patrons who have fees (pulibrary/bibdata#2059).
    const expand = (query.expand ?? '').split(',')
    if (expand.includes('fees') && institution.listFees(patron, 'ACTIVE').length > 0) {
      return refusal(400, '402119', generalError)
    }
    return jsonAnswer(200, userJson(deps.baseUrl(), patron))
  }
  if (fees !== 'fees') return null
  const patron = institution.findFeeOwner(userId, userIdType)
  if (feeId === undefined) {
    if (method !== 'GET') return null
    const listed = institution.listFees(patron, query.status ?? 'ACTIVE')
    return jsonAnswer(200, feeListJson(deps.baseUrl(), patron, listed))
  }
  if (method === 'GET') {
    return jsonAnswer(200, feeJson(deps.baseUrl(), patron, institution.findFee(patron, feeId)))
  }
  if (method !== 'POST') return null
  if (feeId === 'all') {
    return refusal(400, '401666', 'Parameter is not valid: the sandbox pays one fee at a time')
  }
  const fee = institution.findFee(patron, feeId)
  if (query.op !== 'pay') return refusal(400, '401666', 'Parameter is not valid: op')
  return jsonAnswer(200, feeJson(deps.baseUrl(), patron, institution.pay(patron, fee, query)))
}

/** Alma's answer to a call, applying it (a pay) when Alma would. */
export function almaAnswer(deps: AlmaApiDeps, call: AlmaCall): Answer {
  if (!isAuthorized(call, deps.apiKey)) {
    return deps.refusal(
      401,
      'UNAUTHORIZED',
      'API-key not defined or not configured to allow this API.',
    )
  }
  let segments: string[]
  try {
    segments = call.pathname.split('/').filter(Boolean).map(decodeURIComponent)
  } catch {
    return gatewayNotFound
  }
  try {
    return route(deps, call.method, segments, call.query) ?? gatewayNotFound
  } catch (error) {
    if (error instanceof SandboxAlmaRefusal) {
      return deps.refusal(error.status, error.code, error.message)
    }
    throw error
  }
}

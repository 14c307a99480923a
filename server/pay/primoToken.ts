/**
 * Verifies the JWT Primo VE appends to its "Pay fines" link, and says which patron it names.
 * Ex Libris's own payment connector only decodes this token; anyone could then pay — and read the
 * fees of — any patron by writing their id into a token. Here the token must be signed with ES256
 * by the institution's own Primo key (Ex Libris's JWKS), issued by `Prima`, current, and name a
 * configured institution and a user. The unverified payload is read for one thing only: which
 * institution's keys to verify it with, so a token claiming institution A and signed with B's key
 * fails. The token itself never reaches a log or an error message.
 */
import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose'
import { z } from 'zod'
import type { PrimoSettings } from '../config/types.ts'
import {
  createCachedKeySet,
  KeySetUnavailableError,
  type CachedKeySet,
  type KeyResolver,
} from './primoKeySet.ts'

export type PrimoTokenErrorKind =
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'wrong_issuer'
  | 'unknown_institution'
  | 'no_user'
  | 'keys_unavailable'

export class PrimoTokenError extends Error {
  override readonly name = 'PrimoTokenError'
  readonly kind: PrimoTokenErrorKind
  constructor(kind: PrimoTokenErrorKind, message: string) {
    super(message)
    this.kind = kind
  }
}

export interface PrimoPatron {
  /** Our institution code (the configured institution whose Primo code the token names). */
  institution: string
  /** The Alma primary id, from the token's `userName`. */
  userId: string
}

export interface PrimoTokenVerifier {
  verify(jwt: string): Promise<PrimoPatron>
}

export interface PrimoTokenVerifierDeps {
  institutions: readonly { code: string; primo: PrimoSettings | null }[]
  now?: () => number
  fetch?: typeof fetch
}

/** Primo's issuer, as Ex Libris signs it (and Berkeley's validator checks). */
export const primoIssuer = 'Prima'
const primoAlgorithms = ['ES256'] as const
/** Clock difference tolerated between Ex Libris and us, for `exp` and `iat`. */
const primoClockToleranceSeconds = 60
const maxTokenLength = 16 * 1024

const unverifiedSchema = z.object({ institution: z.string().min(1).max(64) })

/** The claims we rely on; Primo sends more (displayName, userGroup, …) which we do not use. */
const claimsSchema = z.object({
  iss: z.literal(primoIssuer),
  exp: z.number(),
  iat: z.number(),
  institution: z.string().min(1),
  userName: z
    .string()
    .max(255)
    .refine((name) => name.trim().length > 0),
})

function institutionClaimOf(jwt: string): string {
  let payload: JWTPayload
  try {
    payload = decodeJwt(jwt)
  } catch {
    throw new PrimoTokenError('malformed', 'The Primo token is not a JWT')
  }
  const parsed = unverifiedSchema.safeParse(payload)
  if (!parsed.success) {
    throw new PrimoTokenError('unknown_institution', 'The Primo token names no institution')
  }
  return parsed.data.institution
}

/** jose's errors, as the kinds the pay pages explain. */
function kindOf(error: unknown): PrimoTokenError {
  if (error instanceof PrimoTokenError) return error
  if (error instanceof KeySetUnavailableError) {
    return new PrimoTokenError('keys_unavailable', 'The Primo signing keys are unavailable')
  }
  if (error instanceof errors.JWTExpired) {
    return new PrimoTokenError('expired', 'The Primo token has expired')
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return new PrimoTokenError('wrong_issuer', 'Not issued by Primo')
    return new PrimoTokenError('malformed', `The Primo token's ${error.claim} claim is invalid`)
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new PrimoTokenError('bad_signature', 'The Primo token is not signed by Primo')
  }
  if (error instanceof errors.JOSEError) {
    return new PrimoTokenError('malformed', 'The Primo token is malformed')
  }
  throw error
}

export function createPrimoTokenVerifier(deps: PrimoTokenVerifierDeps): PrimoTokenVerifier {
  const now = deps.now ?? Date.now
  const fetchImpl = deps.fetch ?? globalThis.fetch
  const byPrimoCode = new Map<string, { code: string; keys: CachedKeySet }>()
  for (const institution of deps.institutions) {
    if (!institution.primo) continue
    byPrimoCode.set(institution.primo.institutionCode, {
      code: institution.code,
      keys: createCachedKeySet({ url: institution.primo.jwksUrl, fetch: fetchImpl, now }),
    })
  }

  async function keyFor(keys: CachedKeySet, ...args: Parameters<KeyResolver>) {
    try {
      return await (
        await keys.current()
      )(...args)
    } catch (error) {
      // An unknown kid: Ex Libris may have rotated its key since we fetched. Refetch once.
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error
      if (!(await keys.refreshForUnknownKey())) throw error
      return (await keys.current())(...args)
    }
  }

  return {
    async verify(jwt) {
      if (typeof jwt !== 'string' || jwt.length === 0 || jwt.length > maxTokenLength) {
        throw new PrimoTokenError('malformed', 'The Primo token is missing or too long')
      }
      const claimed = byPrimoCode.get(institutionClaimOf(jwt))
      if (!claimed) {
        throw new PrimoTokenError('unknown_institution', 'The Primo token is for another library')
      }
      let payload: JWTPayload
      try {
        ;({ payload } = await jwtVerify(
          jwt,
          (header, token) => keyFor(claimed.keys, header, token),
          {
            algorithms: [...primoAlgorithms],
            issuer: primoIssuer,
            requiredClaims: ['exp', 'iat'],
            clockTolerance: primoClockToleranceSeconds,
            currentDate: new Date(now()),
          },
        ))
      } catch (error) {
        throw kindOf(error)
      }
      const nowSeconds = Math.floor(now() / 1000)
      if (
        typeof payload.iat === 'number' &&
        payload.iat > nowSeconds + primoClockToleranceSeconds
      ) {
        // Issued in the future: a clock or a forgery, either way not a token to trust now.
        throw new PrimoTokenError('expired', 'The Primo token is not valid yet')
      }
      const claims = claimsSchema.safeParse(payload)
      if (!claims.success) {
        const userProblem = claims.error.issues.some((issue) => issue.path[0] === 'userName')
        throw userProblem
          ? new PrimoTokenError('no_user', 'The Primo token names no patron')
          : new PrimoTokenError('malformed', 'The Primo token lacks a required claim')
      }
      return { institution: claimed.code, userId: claims.data.userName }
    },
  }
}

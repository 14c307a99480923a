/**
 * Which institution a request belongs to. A kiosk key, a CashNet postback secret (and later a Primo
 * token or a staff account) each identify exactly one institution; nothing crosses between them.
 * Keys and secrets are compared as SHA-256 digests in constant time, against every candidate
 * without an early exit, so timing says nothing about which one matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { InstitutionConfig } from '../config/types.ts'

/** A kiosk, as the kiosk API knows it after authentication. */
export interface KioskIdentity {
  institution: string
  kioskId: string
}

export interface InstitutionRegistry {
  all(): readonly InstitutionConfig[]
  /** The institution with this code; throws for an unknown code (a bug, never user input). */
  get(code: string): InstitutionConfig
  /** `Authorization: Bearer <kiosk key>` → the kiosk; null for a missing or unknown key. */
  kioskFor(authorization: string | undefined): KioskIdentity | null
  /** The institution whose postback secret this is; null when none. */
  byPostbackSecret(secret: string): InstitutionConfig | null
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

class UnknownInstitutionError extends Error {
  override readonly name = 'UnknownInstitutionError'
  readonly kind = 'unknown_institution'
  constructor(code: string) {
    super(`No institution "${code}" is configured.`)
  }
}

export function createInstitutionRegistry(
  institutions: readonly InstitutionConfig[],
): InstitutionRegistry {
  const byCode = new Map(institutions.map((institution) => [institution.code, institution]))
  const kioskKeys = institutions.flatMap((institution) =>
    institution.kiosks.map((kiosk) => ({
      identity: { institution: institution.code, kioskId: kiosk.kioskId },
      hash: Buffer.from(kiosk.keyHash, 'hex'),
    })),
  )
  const secrets = institutions.map((institution) => ({
    institution,
    hash: digest(institution.cashnet.postbackSecret),
  }))

  return {
    all: () => institutions,
    get(code) {
      const institution = byCode.get(code)
      if (!institution) throw new UnknownInstitutionError(code)
      return institution
    },
    kioskFor(authorization) {
      const match = /^Bearer\s+(\S{1,512})$/i.exec(authorization?.trim() ?? '')
      if (!match?.[1]) return null
      const presented = digest(match[1])
      let found: KioskIdentity | null = null
      for (const { identity, hash } of kioskKeys) {
        if (hash.length === presented.length && timingSafeEqual(hash, presented)) found = identity
      }
      return found
    },
    byPostbackSecret(secret) {
      const presented = digest(secret)
      let found: InstitutionConfig | null = null
      for (const candidate of secrets) {
        if (timingSafeEqual(candidate.hash, presented)) found = candidate.institution
      }
      return found
    },
  }
}

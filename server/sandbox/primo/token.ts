/**
 * The sandbox Primo's signing side: one ES256 key per institution, made at start (kid
 * `primaPrivateKey-<INST>`, as Ex Libris names Primo's key), and tokens with the claims Primo VE
 * puts in the "Pay fines" link's JWT.
 */
import { randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { primoIssuer } from '../../pay/primoToken.ts'

const sandboxPrimoTokenTtlSeconds = 10 * 60

export interface SandboxPrimoPatron {
  /** The Alma primary id: Primo's `userName`. */
  primaryId: string
  displayName: string
  userGroup: string
}

export interface InstitutionSigner {
  institutionCode: string
  publicJwk: JWK
  sign(patron: SandboxPrimoPatron, nowMs: number): Promise<string>
}

export async function createInstitutionSigner(institutionCode: string): Promise<InstitutionSigner> {
  const kid = `primaPrivateKey-${institutionCode}`
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'ES256' }
  return {
    institutionCode,
    publicJwk,
    sign(patron, nowMs) {
      const iat = Math.floor(nowMs / 1000)
      return new SignJWT({
        jti: randomUUID(),
        userName: patron.primaryId,
        displayName: patron.displayName,
        user: patron.primaryId,
        userGroup: patron.userGroup,
        institution: institutionCode,
        userIp: '127.0.0.1',
        authenticationProfile: 'Alma',
        authenticationSystem: 'ALMA',
        language: 'en',
        onCampus: 'false',
        signedIn: 'true',
        viewId: `${institutionCode}:DEMO`,
      })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(primoIssuer)
        .setIssuedAt(iat)
        .setExpirationTime(iat + sandboxPrimoTokenTtlSeconds)
        .sign(privateKey)
    },
  }
}

/**
 * Campus single sign-on for the staff console: OpenID Connect, authorization code with PKCE, through
 * `openid-client`. Each institution with `sso` configured gets a sign-in button; its identity
 * provider decides who the person is and, through a claim (groups, eduPersonEntitlement, …), which
 * role they have — at that institution only. The state, nonce and PKCE verifier wait in the
 * database between the redirect and the callback, so any service instance can finish a sign-in.
 */
import * as oidc from 'openid-client'
import { staffPath, staffRoutes, type SsoOptions } from '../../common/staffApi.ts'
import type { InstitutionConfig } from '../config/types.ts'
import type { InstitutionRegistry } from '../institutions/registry.ts'
import type { Clock } from '../ops/clock.ts'
import type { StaffRepository } from '../store/staff.ts'
import { StaffRequestError } from './errors.ts'
import { ssoIdentity } from './ssoIdentity.ts'
import type { SignedIn, StaffAuth } from './staffAuth.ts'

export interface SsoDeps {
  store: StaffRepository
  registry: InstitutionRegistry
  clock: Clock
  auth: StaffAuth
  publicBaseUrl: string
  /** How long a started sign-in may take (default ten minutes). */
  stateTtlMs?: number
}

/**
 * Why a sign-in failed, for the audit log: the provider's OAuth error code and description where
 * it gave one (`invalid_grant: PKCE verification failed`), else the client's own message. Neither
 * ever holds a code, token or secret.
 */
function ssoFailureReason(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) {
    return error.error_description ? `${error.error}: ${error.error_description}` : error.error
  }
  return error instanceof Error ? error.message : 'sign-in refused'
}

/** Where the identity provider sends the browser back: one address for every institution. */
const ssoCallbackPath = staffRoutes.ssoCallback.path

export function createSso(deps: SsoDeps) {
  const { store, registry, clock } = deps
  const stateTtlMs = deps.stateTtlMs ?? 10 * 60_000
  const callbackUrl = `${deps.publicBaseUrl}${ssoCallbackPath}`
  const discovered = new Map<string, Promise<oidc.Configuration>>()

  function ssoOf(code: string): InstitutionConfig & { sso: NonNullable<InstitutionConfig['sso']> } {
    const institution = registry.all().find((candidate) => candidate.code === code)
    if (!institution?.sso) {
      throw new StaffRequestError('not_found', 'This institution has no single sign-on.')
    }
    return institution as InstitutionConfig & { sso: NonNullable<InstitutionConfig['sso']> }
  }

  /** The provider's metadata, fetched once; a failed discovery is tried again next time. */
  function configurationOf(institution: InstitutionConfig): Promise<oidc.Configuration> {
    const sso = institution.sso
    if (!sso) throw new Error('no sso')
    let found = discovered.get(institution.code)
    if (!found) {
      const issuer = new URL(sso.issuer)
      found = oidc.discovery(
        issuer,
        sso.clientId,
        undefined,
        oidc.ClientSecretPost(sso.clientSecret),
        // Plain http is refused in production by the configuration; here it is a loopback test IdP.
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- deliberate, loopback only
        issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      found.catch(() => discovered.delete(institution.code))
      discovered.set(institution.code, found)
    }
    return found
  }

  function options(): SsoOptions {
    return {
      options: registry
        .all()
        .filter((institution) => institution.sso)
        .map((institution) => ({
          institution: institution.code,
          label: institution.sso?.label ?? institution.name,
          startUrl: staffPath(staffRoutes.ssoStart.path, { institution: institution.code }),
        })),
    }
  }

  /** The identity provider's sign-in address for this institution; the state is kept for the callback. */
  async function start(code: string): Promise<URL> {
    const institution = ssoOf(code)
    let configuration: oidc.Configuration
    try {
      configuration = await configurationOf(institution)
    } catch (error) {
      throw new StaffRequestError(
        'sso_unavailable',
        "The campus sign-in service can't be reached.",
        { cause: error },
      )
    }
    const codeVerifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    await store.saveSsoState({
      state,
      institution: institution.code,
      codeVerifier,
      nonce,
      expiresAt: clock.now() + stateTtlMs,
    })
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: callbackUrl,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
  }

  /**
   * Finishes a sign-in from the callback's query string: the state must be one we issued and not
   * yet used, the code is exchanged with the PKCE verifier, the ID token's nonce checked, and the
   * role read from the claims.
   */
  async function callback(
    query: string,
    context: { sourceIp: string },
  ): Promise<{ token: string } & SignedIn> {
    const params = new URLSearchParams(query)
    const stateValue = params.get('state') ?? ''
    const saved = stateValue ? await store.takeSsoState(stateValue, clock.now()) : null
    if (!saved) {
      throw new StaffRequestError('sso_failed', 'This sign-in link has expired. Start again.')
    }
    const institution = ssoOf(saved.institution)
    const audit = (action: string, detail: Record<string, unknown>) =>
      store.appendAudit({
        at: clock.now(),
        actor: 'sso',
        institution: institution.code,
        action,
        target: null,
        detail: { ...detail, sourceIp: context.sourceIp },
      })
    let claims: Record<string, unknown>
    try {
      const configuration = await configurationOf(institution)
      const tokens = await oidc.authorizationCodeGrant(
        configuration,
        new URL(`${callbackUrl}?${params.toString()}`),
        {
          pkceCodeVerifier: saved.codeVerifier,
          expectedState: saved.state,
          expectedNonce: saved.nonce,
        },
      )
      claims = { ...(tokens.claims() ?? {}) }
      // Many providers put groups only in userinfo: read it too when the token lacks the claim.
      if (!(institution.sso.roleClaim in claims) && typeof claims.sub === 'string') {
        const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub)
        claims = { ...info, ...claims }
      }
    } catch (error) {
      await audit('sign_in_failed', { method: 'sso', reason: ssoFailureReason(error) })
      throw new StaffRequestError(
        'sso_failed',
        'The campus sign-in did not complete. Start again.',
        {
          cause: error,
        },
      )
    }
    const identity = ssoIdentity(claims, institution.code, institution.sso)
    if (!identity.ok) {
      await audit('sign_in_failed', { method: 'sso', reason: identity.reason })
      throw new StaffRequestError(identity.kind, identity.message)
    }
    const existing = await store.getAccount(identity.username)
    const otherCampus = existing !== null && !existing.institutions.includes(institution.code)
    if (existing && (existing.method !== 'sso' || existing.disabled || otherCampus)) {
      await audit('sign_in_failed', {
        method: 'sso',
        reason: existing.disabled
          ? 'account disabled'
          : otherCampus
            ? 'username belongs to another institution'
            : 'username belongs to a local account',
        username: identity.username,
      })
      throw new StaffRequestError(
        'sso_forbidden',
        existing.disabled
          ? 'Your console account is disabled. Ask an administrator.'
          : 'Another console account already has your username. Ask an administrator.',
      )
    }
    const account = await store.upsertSsoAccount(identity.username, {
      role: identity.role,
      institutions: [institution.code],
      now: clock.now(),
    })
    await store.appendAudit({
      at: clock.now(),
      actor: account.username,
      institution: institution.code,
      action: 'sign_in',
      target: null,
      detail: { method: 'sso', role: identity.role, sourceIp: context.sourceIp },
    })
    return deps.auth.openSession(account, 'sso')
  }

  return { options, start, callback, callbackUrl }
}

export type Sso = ReturnType<typeof createSso>

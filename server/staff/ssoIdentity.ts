/**
 * Who an identity provider says a person is, and which role that gives them, from the ID token's
 * (and userinfo's) claims. Pure. The highest role any claim value maps to wins; no match, no entry.
 *
 * An SSO account's username carries its institution (`jdoe@01cals_sjo`) unless the claim is
 * already an address with a domain: two campuses may each have a `jdoe`, and one campus's provider
 * must never speak for an account of another.
 */
import { staffRoles, type StaffRole } from '../../common/staffApi.ts'
import type { SsoConfig } from '../config/types.ts'

export type SsoIdentity =
  | { ok: true; username: string; role: StaffRole }
  | { ok: false; kind: 'sso_forbidden'; message: string; reason: string }

function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string')
  return []
}

export function ssoIdentity(
  claims: Readonly<Record<string, unknown>>,
  institution: string,
  sso: Pick<SsoConfig, 'usernameClaim' | 'roleClaim' | 'roles'>,
): SsoIdentity {
  const name = claims[sso.usernameClaim]
  if (typeof name !== 'string' || name.trim() === '') {
    return {
      ok: false,
      kind: 'sso_forbidden',
      message: "The campus sign-in didn't say who you are. Ask IT to release your username.",
      reason: `no ${sso.usernameClaim} claim`,
    }
  }
  const values = new Set(claimValues(claims[sso.roleClaim]))
  const role = [...staffRoles]
    .reverse()
    .find((candidate) => sso.roles[candidate].some((value) => values.has(value)))
  if (!role) {
    return {
      ok: false,
      kind: 'sso_forbidden',
      message: 'Your campus account has no role in the staff console. Ask your supervisor.',
      reason: `no ${sso.roleClaim} value maps to a role`,
    }
  }
  const base = name.trim().toLowerCase()
  const username = base.includes('@') ? base : `${base}@${institution.toLowerCase()}`
  return { ok: true, username, role }
}

/**
 * Staff-side row shapes as SQLite and PostgreSQL return them (same column names), checked with zod
 * on the way out. Flags arrive as 0/1 from SQLite and as booleans from PostgreSQL.
 */
import { z } from 'zod'
import { payLinkDeliveries, staffRoles } from '../../common/staffApi.ts'
import type { PayLinkRecord } from './payLinks.ts'
import type { AuditEntry, SsoLoginState, StaffAccountRecord, StaffSessionRecord } from './staff.ts'

const int = z.number().int()
const accountRowSchema = z.object({
  username: z.string(),
  role: z.enum(staffRoles),
  institutions: z.string(),
  method: z.enum(['local', 'sso']),
  password_hash: z.string().nullable(),
  disabled: z.union([z.literal(0), z.literal(1), z.boolean()]),
  failed_sign_ins: int,
  locked_until: int.nullable(),
  created_at: int,
  last_sign_in_at: int.nullable(),
})
const sessionRowSchema = z.object({
  id_hash: z.string(),
  username: z.string(),
  csrf_token: z.string(),
  method: z.enum(['local', 'sso']),
  created_at: int,
  last_seen_at: int,
})
const ssoStateRowSchema = z.object({
  state: z.string(),
  institution: z.string(),
  code_verifier: z.string(),
  nonce: z.string(),
  expires_at: int,
})
const auditRowSchema = z.object({
  id: int,
  at: int,
  actor: z.string(),
  institution: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.string(),
})

export function accountFromRow(row: unknown): StaffAccountRecord {
  const a = accountRowSchema.parse(row)
  return {
    username: a.username,
    role: a.role,
    institutions: z.array(z.string()).parse(JSON.parse(a.institutions)),
    method: a.method,
    passwordHash: a.password_hash,
    disabled: a.disabled === 1 || a.disabled === true,
    failedSignIns: a.failed_sign_ins,
    lockedUntil: a.locked_until,
    createdAt: a.created_at,
    lastSignInAt: a.last_sign_in_at,
  }
}

export function sessionFromRow(row: unknown): StaffSessionRecord {
  const s = sessionRowSchema.parse(row)
  return {
    idHash: s.id_hash,
    username: s.username,
    csrfToken: s.csrf_token,
    method: s.method,
    createdAt: s.created_at,
    lastSeenAt: s.last_seen_at,
  }
}

export function auditFromRow(row: unknown): AuditEntry {
  const a = auditRowSchema.parse(row)
  return {
    id: a.id,
    at: a.at,
    actor: a.actor,
    institution: a.institution,
    action: a.action,
    target: a.target,
    detail: z.record(z.string(), z.unknown()).parse(JSON.parse(a.detail)),
  }
}

export function ssoStateFromRow(row: unknown): SsoLoginState {
  const s = ssoStateRowSchema.parse(row)
  return {
    state: s.state,
    institution: s.institution,
    codeVerifier: s.code_verifier,
    nonce: s.nonce,
    expiresAt: s.expires_at,
  }
}

const payLinkRowSchema = z.object({
  id: int,
  institution: z.string(),
  token_hash: z.string(),
  primary_id: z.string(),
  delivery: z.enum(payLinkDeliveries),
  created_by: z.string(),
  created_at: int,
  expires_at: int,
  revoked_at: int.nullable(),
  revoked_by: z.string().nullable(),
  opened_at: int.nullable(),
})

export function payLinkFromRow(row: unknown): PayLinkRecord {
  const l = payLinkRowSchema.parse(row)
  return {
    id: l.id,
    institution: l.institution,
    tokenHash: l.token_hash,
    primaryId: l.primary_id,
    delivery: l.delivery,
    createdBy: l.created_by,
    createdAt: l.created_at,
    expiresAt: l.expires_at,
    revokedAt: l.revoked_at,
    revokedBy: l.revoked_by,
    openedAt: l.opened_at,
  }
}

/**
 * Who may pay, decided from the Alma user alone. Paying is how a patron clears a fines block, so by
 * default every active or expired patron found in Alma can pay; blocks and expiry become notices on
 * the fines screen. A library may refuse whole categories (`PAYMENT_REFUSED_FOR`): those patrons get
 * the clear "ask at the service desk" screen instead. Pure.
 */
import type { PatronNotice } from '../../common/api.ts'
import type { AlmaUser } from '../alma/port.ts'
import { PatronError } from './errors.ts'

export const standingCategories = ['inactive', 'expired', 'blocked'] as const
export type StandingCategory = (typeof standingCategories)[number]

const askStaff = 'Please ask at the service desk.'

export interface Standing {
  /** The categories the account falls in, in the order above. */
  categories: StandingCategory[]
  notices: PatronNotice[]
  /** The first category the library refuses, with what the kiosk may show; null when it may pay. */
  refusal: PatronError | null
}

/**
 * `today` is the campus's calendar day (YYYY-MM-DD). A block counts while it has no expiry or its
 * expiry is today or later; the account is expired once its expiry date is before today.
 */
export function assessStanding(
  user: AlmaUser,
  today: string,
  refusedFor: ReadonlySet<StandingCategory>,
): Standing {
  const categories: StandingCategory[] = []
  const notices: PatronNotice[] = []
  const reasons = new Map<StandingCategory, string>()

  if (user.status.toUpperCase() !== 'ACTIVE') {
    categories.push('inactive')
    reasons.set('inactive', `This library account is not active. ${askStaff}`)
  }
  if (user.expiryDate !== null && user.expiryDate < today) {
    categories.push('expired')
    notices.push({ kind: 'expired', expiredOn: user.expiryDate })
    reasons.set('expired', `This library account expired on ${user.expiryDate}. ${askStaff}`)
  }
  const blocks = user.blocks.filter((block) => block.expiresAt === null || block.expiresAt >= today)
  if (blocks.length > 0) {
    categories.push('blocked')
    const descriptions = blocks.map((block) => block.description.trim().replace(/\.$/, ''))
    for (const description of descriptions) {
      notices.push({ kind: 'blocked', description: description === '' ? null : description })
    }
    const [first = ''] = descriptions
    const what = first === '' ? 'This library account is blocked' : first
    reasons.set('blocked', `${what}. ${askStaff}`)
  }

  const refused = categories.find((category) => refusedFor.has(category))
  return {
    categories,
    notices,
    refusal:
      refused === undefined ? null : new PatronError(refused, { reason: reasons.get(refused) }),
  }
}

/** The name a patron goes by: Alma's preferred names where set, the legal ones otherwise. */
export function namesToGreet(user: AlmaUser): { first: string; last: string } {
  return {
    first: user.preferredFirstName || user.firstName,
    last: user.preferredLastName || user.lastName,
  }
}

/** The name staff know a patron by (Alma's first and last name), for the console only. */
export function staffName(user: Pick<AlmaUser, 'firstName' | 'lastName'>): string {
  return [user.firstName, user.lastName].filter((part) => part.trim() !== '').join(' ')
}

import { describe, expect, it } from 'vitest'
import type { AlmaUser } from '../../../server/alma/port.ts'
import { assessStanding, namesToGreet } from '../../../server/patrons/standing.ts'

const today = '2026-12-02'

function user(overrides: Partial<AlmaUser> = {}): AlmaUser {
  return {
    primaryId: 'p1',
    firstName: 'Robert',
    lastName: 'Johnson',
    preferredFirstName: '',
    preferredLastName: '',
    preferredEmail: null,
    status: 'ACTIVE',
    expiryDate: '2027-06-30',
    accountType: 'INTERNAL',
    blocks: [],
    ...overrides,
  }
}

describe('server/patrons/standing', () => {
  it('lets an account in good standing pay without notices', () => {
    expect(assessStanding(user(), today, new Set(['inactive']))).toEqual({
      categories: [],
      notices: [],
      refusal: null,
    })
  })

  it('turns an expiry and every block still in force into notices', () => {
    const standing = assessStanding(
      user({
        expiryDate: '2026-12-01',
        blocks: [
          { code: 'OVERDUE', description: 'Blocked: overdue items.', expiresAt: null },
          { code: 'LOST', description: '', expiresAt: today },
          { code: 'OLD', description: 'Lifted long ago', expiresAt: '2026-12-01' },
        ],
      }),
      today,
      new Set(['inactive']),
    )
    expect(standing.categories).toEqual(['expired', 'blocked'])
    expect(standing.notices).toEqual([
      { kind: 'expired', expiredOn: '2026-12-01' },
      { kind: 'blocked', description: 'Blocked: overdue items' },
      { kind: 'blocked', description: null },
    ])
    expect(standing.refusal).toBeNull()
  })

  it('is not expired on its expiry day', () => {
    expect(assessStanding(user({ expiryDate: today }), today, new Set()).categories).toEqual([])
  })

  it('refuses the first category the library refuses, with a reason to show', () => {
    const blockedAndExpired = user({
      expiryDate: '2026-01-01',
      blocks: [{ code: 'X', description: '', expiresAt: null }],
    })
    const refusal = assessStanding(blockedAndExpired, today, new Set(['blocked'])).refusal
    expect([refusal?.kind, refusal?.reason]).toEqual([
      'blocked',
      'This library account is blocked. Please ask at the service desk.',
    ])
    const inactive = assessStanding(user({ status: 'INACTIVE' }), today, new Set(['inactive']))
    expect(inactive.refusal?.kind).toBe('inactive')
    expect(assessStanding(user({ status: 'inactive' }), today, new Set()).refusal).toBeNull()
  })

  it('greets by the preferred names where Alma has them', () => {
    expect(namesToGreet(user({ preferredFirstName: 'Rob' }))).toEqual({
      first: 'Rob',
      last: 'Johnson',
    })
    expect(namesToGreet(user({ preferredLastName: 'Jones' }))).toEqual({
      first: 'Robert',
      last: 'Jones',
    })
  })
})

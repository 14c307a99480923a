import { describe, expect, it } from 'vitest'
import { ssoIdentity } from '../../../server/staff/ssoIdentity.ts'

const sso = {
  usernameClaim: 'preferred_username',
  roleClaim: 'groups',
  roles: {
    desk: ['circ'],
    supervisor: ['circ-supervisors'],
    admin: ['lib-systems'],
  },
}

describe('server/staff: who an identity provider says someone is', () => {
  it('gives the highest role any claim value maps to, the username carrying the institution', () => {
    expect(
      ssoIdentity(
        { preferred_username: 'JDoe', groups: ['circ', 'circ-supervisors', 'faculty'] },
        '01CALS_SJO',
        sso,
      ),
    ).toEqual({ ok: true, username: 'jdoe@01cals_sjo', role: 'supervisor' })
    expect(ssoIdentity({ preferred_username: 'a', groups: 'lib-systems' }, 'X', sso)).toEqual({
      ok: true,
      username: 'a@x',
      role: 'admin',
    })
  })

  it('keeps an address as it is: its domain already says where it belongs', () => {
    expect(
      ssoIdentity({ preferred_username: 'JDoe@SJSU.edu', groups: ['circ'] }, '01CALS_SJO', sso),
    ).toMatchObject({ ok: true, username: 'jdoe@sjsu.edu', role: 'desk' })
  })

  it('refuses a person with no mapped value, or no name', () => {
    expect(
      ssoIdentity({ preferred_username: 'jdoe', groups: ['faculty'] }, 'X', sso),
    ).toMatchObject({ ok: false, kind: 'sso_forbidden', reason: 'no groups value maps to a role' })
    expect(ssoIdentity({ preferred_username: 'jdoe' }, 'X', sso)).toMatchObject({ ok: false })
    expect(ssoIdentity({ preferred_username: '  ', groups: ['circ'] }, 'X', sso)).toMatchObject({
      ok: false,
      reason: 'no preferred_username claim',
    })
    expect(ssoIdentity({ groups: ['circ'], preferred_username: 42 }, 'X', sso)).toMatchObject({
      ok: false,
    })
    // Values of the wrong type are ignored, not matched by their string form.
    expect(
      ssoIdentity({ preferred_username: 'j', groups: [{ name: 'circ' }, 7] }, 'X', sso),
    ).toMatchObject({ ok: false })
  })
})

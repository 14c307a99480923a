import { createHash } from 'node:crypto'
import { expect, it } from 'vitest'
import type { PaySession } from '../../../../server/store/paySessions.ts'
import { institution, otherInstitution, t0, type RepositoryFactory, using } from './support.ts'

/** The key the service stores: the SHA-256 (hex) of the cookie's value. */
const keyOf = (cookieValue: string) =>
  createHash('sha256').update(cookieValue, 'utf8').digest('hex')

const session = (cookieValue: string, overrides: Partial<PaySession> = {}): PaySession => ({
  idHash: keyOf(cookieValue),
  csrfToken: `csrf-${cookieValue}`,
  institution,
  primaryId: 'mgarcia01',
  channel: 'link',
  returnUrl: null,
  createdAt: t0,
  lastSeenAt: t0,
  lookupId: null,
  checkoutIds: [],
  ...overrides,
})

export function paySessionContract(open: RepositoryFactory): void {
  it('keeps every field of a session under its key, each with its own institution', () =>
    using(open, async ({ paySessions }) => {
      const fromLink = session('cookie-1')
      const fromPrimo = session('cookie-2', {
        institution: otherInstitution,
        primaryId: 'jsmith02',
        channel: 'primo',
        returnUrl: 'https://primo.example.edu/discovery/account',
        createdAt: t0 + 5,
        lastSeenAt: t0 + 7,
        lookupId: 'lookup-9',
        checkoutIds: ['c-1', 'c-2'],
      })
      await paySessions.create(fromLink)
      await paySessions.create(fromPrimo)
      expect(await paySessions.get(fromLink.idHash)).toEqual(fromLink)
      expect(await paySessions.get(fromPrimo.idHash)).toEqual(fromPrimo)
      expect(await paySessions.get(keyOf('cookie-3'))).toBeNull()
      // A second session under the same key is refused, the first one left as it was.
      await expect(paySessions.create({ ...fromLink, primaryId: 'someone-else' })).rejects.toThrow()
      expect(await paySessions.get(fromLink.idHash)).toEqual(fromLink)
    }))

  it('refuses any key but a SHA-256 in hex, in the database itself', () =>
    using(open, async ({ paySessions, execRaw }) => {
      // What a cookie's value looks like (base64url), an upper-case hash, a short one.
      const cookieValue = 'q8Zf0c9Yk1N3u2W5x7A_bC-dE4fG6hI8jK0lM2nO4pQ'
      for (const idHash of [cookieValue, keyOf('x').toUpperCase(), keyOf('x').slice(1)]) {
        await expect(paySessions.create(session('x', { idHash }))).rejects.toThrow()
      }
      await expect(
        execRaw(
          `INSERT INTO pay_sessions
             (id_hash, csrf_token, institution, primary_id, channel, created_at, last_seen_at)
           VALUES ('${cookieValue}', 't', '${institution}', 'p', 'link', 1, 1)`,
        ),
      ).rejects.toThrow()
      await expect(
        execRaw(
          `INSERT INTO pay_sessions
             (id_hash, csrf_token, institution, primary_id, channel, created_at, last_seen_at)
           VALUES ('${keyOf('y')}', 't', '${institution}', 'p', 'kiosk', 1, 1)`,
        ),
      ).rejects.toThrow()
    }))

  it('moves the idle clock only forward, records the lookup, and keeps the newest checkouts', () =>
    using(open, async ({ paySessions }) => {
      const s = session('cookie-1')
      await paySessions.create(s)
      await paySessions.touch(s.idHash, t0 + 50)
      await paySessions.touch(s.idHash, t0 + 10)
      await paySessions.setLookup(s.idHash, 'lookup-1')
      await paySessions.setLookup(s.idHash, 'lookup-2')
      for (const id of ['c-1', 'c-2', 'c-3', 'c-4']) await paySessions.addCheckout(s.idHash, id, 3)
      expect(await paySessions.get(s.idHash)).toEqual({
        ...s,
        lastSeenAt: t0 + 50,
        lookupId: 'lookup-2',
        checkoutIds: ['c-2', 'c-3', 'c-4'],
      })
      // Changes to a session that is gone create nothing.
      const gone = keyOf('gone')
      await paySessions.touch(gone, t0)
      await paySessions.setLookup(gone, 'lookup-1')
      await paySessions.addCheckout(gone, 'c-1', 3)
      expect(await paySessions.get(gone)).toBeNull()
    }))

  it('shares sessions across connections; appends from two at once both land', () =>
    using(open, async ({ paySessions, openAnotherPaySessions }) => {
      const other = await openAnotherPaySessions()
      const s = session('cookie-1')
      await paySessions.create(s)
      expect(await other.get(s.idHash)).toEqual(s)
      await other.touch(s.idHash, t0 + 100)
      expect((await paySessions.get(s.idHash))?.lastSeenAt).toBe(t0 + 100)

      const ids = Array.from({ length: 12 }, (_, i) => `c-${i}`)
      await Promise.all(
        ids.map((id, i) => (i % 2 === 0 ? paySessions : other).addCheckout(s.idHash, id, 20)),
      )
      const stored = (await other.get(s.idHash))?.checkoutIds ?? []
      expect([...stored].sort()).toEqual([...ids].sort())

      await other.delete(s.idHash)
      expect(await paySessions.get(s.idHash)).toBeNull()
    }))

  it('ends sessions idle since before a time, and only those', () =>
    using(open, async ({ paySessions }) => {
      await paySessions.create(session('old', { lastSeenAt: t0 }))
      await paySessions.create(session('edge', { lastSeenAt: t0 + 100 }))
      await paySessions.create(session('new', { lastSeenAt: t0 + 200 }))
      expect(await paySessions.deleteIdle(t0 + 100)).toBe(1)
      expect(await paySessions.get(keyOf('old'))).toBeNull()
      expect(await paySessions.get(keyOf('edge'))).not.toBeNull()
      expect(await paySessions.deleteIdle(t0 + 100)).toBe(0)
      expect(await paySessions.deleteIdle(t0 + 1_000)).toBe(2)
      expect(await paySessions.get(keyOf('new'))).toBeNull()
    }))
}

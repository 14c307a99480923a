import { describe, expect, it } from 'vitest'
import { sqlitePathFrom } from '../../../../server/store/sqlite/database.ts'

describe('server/store/sqlite/database', () => {
  it('reads plain paths, sqlite: URLs and file: URLs', () => {
    expect(sqlitePathFrom('/var/lib/kiosk/kiosk.sqlite')).toBe('/var/lib/kiosk/kiosk.sqlite')
    expect(sqlitePathFrom('data/kiosk.sqlite', '/srv/app')).toBe('/srv/app/data/kiosk.sqlite')
    expect(sqlitePathFrom('sqlite:///var/lib/kiosk/kiosk.sqlite')).toBe(
      '/var/lib/kiosk/kiosk.sqlite',
    )
    expect(sqlitePathFrom('sqlite:data/kiosk.sqlite', '/srv/app')).toBe(
      '/srv/app/data/kiosk.sqlite',
    )
    expect(sqlitePathFrom('file:///tmp/a%20b.sqlite')).toBe('/tmp/a b.sqlite')
  })

  it('refuses what is not a SQLite file location, without echoing credentials', () => {
    expect(() => sqlitePathFrom('')).toThrow(/empty/)
    expect(() => sqlitePathFrom('sqlite://host/db')).toThrow(/sqlite:\/\/\//)
    expect(() => sqlitePathFrom('postgres://user:secret@db/kiosk')).toThrow(/Not a SQLite/)
    expect(() => sqlitePathFrom('postgres://user:secret@db/kiosk')).not.toThrow(/secret/)
    expect(() => sqlitePathFrom('data/')).toThrow(/Not a SQLite file/)
  })
})

import { describe, expect, it } from 'vitest'
import { shortDisplayName } from '../../common/displayName.ts'

describe('common/displayName', () => {
  it('keeps the first name and the last name initial', () => {
    expect(shortDisplayName('Jane Quincy Doe')).toBe('Jane D.')
  })

  it('handles unicode names by grapheme', () => {
    expect(shortDisplayName('María José Ñúñez')).toBe('María Ñ.')
    expect(shortDisplayName('Zoë e\u0301clair')).toBe('Zoë E\u0301.')
  })

  it('is idempotent on an already shortened name', () => {
    expect(shortDisplayName('Jane D.')).toBe('Jane D.')
  })

  it('shows a single name alone and nothing for a blank name', () => {
    expect(shortDisplayName('  Cher ')).toBe('Cher')
    expect(shortDisplayName('   ')).toBe('')
  })
})

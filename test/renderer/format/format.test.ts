import { describe, expect, it } from 'vitest'
import {
  formatCalendarDate,
  formatCountdown,
  formatDate,
  formatMoney,
} from '../../../renderer/src/format/format.ts'

describe('renderer/format/format', () => {
  it('formats integer cents as money in each language', () => {
    expect(formatMoney(4275, 'USD', 'en')).toBe('$42.75')
    expect(formatMoney(4275, 'USD', 'es')).toBe(
      new Intl.NumberFormat('es-US', { style: 'currency', currency: 'USD' }).format(42.75),
    )
    expect(formatMoney(5, 'USD', 'en')).toBe('$0.05')
  })

  it('formats dates per language and leaves unreadable ones out', () => {
    expect(formatDate('2025-01-10T16:59:06.987Z', 'en')).toBe('Jan 10, 2025')
    expect(formatDate('nonsense', 'en')).toBe('')
  })

  it('shows a calendar date as that day in any time zone', () => {
    // Alma's expiry dates have no time: 2026-01-01 must not become Dec 31 west of UTC.
    expect(formatCalendarDate('2026-01-01', 'en')).toBe('Jan 1, 2026')
    expect(formatCalendarDate('2026-01-01', 'es')).toBe(
      new Intl.DateTimeFormat('es-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(Date.UTC(2026, 0, 1)),
      ),
    )
    expect(formatCalendarDate('2026-13-45', 'en')).toBe('')
    expect(formatCalendarDate('01/01/2026', 'en')).toBe('')
  })

  it('shows countdowns as minutes and seconds, never negative', () => {
    expect(formatCountdown(245)).toBe('4:05')
    expect(formatCountdown(0.2)).toBe('0:01')
    expect(formatCountdown(-3)).toBe('0:00')
  })
})

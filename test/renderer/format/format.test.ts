import { describe, expect, it } from 'vitest'
import { formatCountdown, formatDate, formatMoney } from '../../../renderer/src/format/format.ts'

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

  it('shows countdowns as minutes and seconds, never negative', () => {
    expect(formatCountdown(245)).toBe('4:05')
    expect(formatCountdown(0.2)).toBe('0:01')
    expect(formatCountdown(-3)).toBe('0:00')
  })
})

import { describe, expect, it } from 'vitest'
import {
  dayRange,
  daysEndingWith,
  localDay,
  nextDay,
  startOfDay,
} from '../../../server/staff/days.ts'

describe('server/staff: calendar days', () => {
  it('bounds an inclusive range of days by local midnights', () => {
    const { fromMs, toMs } = dayRange('2026-12-01', '2026-12-02')
    expect(localDay(fromMs)).toBe('2026-12-01')
    expect(localDay(fromMs - 1)).toBe('2026-11-30')
    expect(localDay(toMs - 1)).toBe('2026-12-02')
    expect(localDay(toMs)).toBe('2026-12-03')
    expect(new Date(startOfDay('2026-12-01')).getHours()).toBe(0)
  })

  it('steps across month and year ends and daylight-saving changes', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01')
    expect(nextDay('2028-02-28')).toBe('2028-02-29')
    expect(nextDay('2026-03-08')).toBe('2026-03-09')
    expect(nextDay('2026-11-01')).toBe('2026-11-02')
    const days = daysEndingWith('2026-03-10', 30)
    expect(days).toHaveLength(30)
    expect(days[0]).toBe('2026-02-09')
    expect(days.at(-1)).toBe('2026-03-10')
    expect(new Set(days).size).toBe(30)
  })
})

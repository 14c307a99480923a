/**
 * Calendar days as staff speak of them (`YYYY-MM-DD`, the service's time zone, `TZ`) and the
 * instants that bound them. Pure apart from the time zone the process runs in.
 */
import { localDay } from '../reconciliation/lines.ts'

export { localDay }

/** Midnight at the start of `day`, service-local. */
export function startOfDay(day: string): number {
  const [year, month, date] = day.split('-').map(Number)
  return new Date(year ?? 1970, (month ?? 1) - 1, date ?? 1).getTime()
}

/** The day after `day`. */
export function nextDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number)
  return localDay(new Date(year ?? 1970, (month ?? 1) - 1, (date ?? 1) + 1, 12).getTime())
}

/** `from` and `to` inclusive, as `[fromMs, toMs)`. */
export function dayRange(from: string, to: string): { fromMs: number; toMs: number } {
  return { fromMs: startOfDay(from), toMs: startOfDay(nextDay(to)) }
}

/** The `count` days ending with `last`, oldest first. */
export function daysEndingWith(last: string, count: number): string[] {
  const [year, month, date] = last.split('-').map(Number)
  return Array.from({ length: count }, (_unused, index) =>
    localDay(
      new Date(year ?? 1970, (month ?? 1) - 1, (date ?? 1) - (count - 1 - index), 12).getTime(),
    ),
  )
}

/**
 * When daily digests go out: at a local time of day, in the service's time zone (`TZ`). Pure, so
 * the test clock decides; a day is a calendar day, so a digest stays at 07:00 across DST changes.
 */

function at(day: Date, minutesOfDay: number, dayOffset = 0): number {
  return new Date(
    day.getFullYear(),
    day.getMonth(),
    day.getDate() + dayOffset,
    Math.floor(minutesOfDay / 60),
    minutesOfDay % 60,
  ).getTime()
}

/** The most recent digest time at or before `now`. */
export function latestDigestAt(now: number, minutesOfDay: number): number {
  const today = at(new Date(now), minutesOfDay)
  return today <= now ? today : at(new Date(now), minutesOfDay, -1)
}

/** The digest time one calendar day before `digestAt` (the start of the window it covers). */
export function previousDigestAt(digestAt: number, minutesOfDay: number): number {
  return at(new Date(digestAt), minutesOfDay, -1)
}

/** `YYYY-MM-DD` of a time, in the service's time zone. */
export function localDay(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${String(d.getFullYear())}-${two(d.getMonth() + 1)}-${two(d.getDate())}`
}

/**
 * What the kiosk may show of a patron's name on a public screen: the first name and the initial
 * of the last name ("María José Núñez" → "María N."). Idempotent, so it is safe to apply to a name
 * the service already shortened.
 */
export function shortDisplayName(fullName: string): string {
  const words = fullName.trim().split(/\s+/u).filter(Boolean)
  const first = words[0]
  if (first === undefined) return ''
  const last = words.length > 1 ? words[words.length - 1] : undefined
  if (last === undefined) return first
  const initial = firstGrapheme(last)
  return `${first} ${initial.toLocaleUpperCase()}.`
}

function firstGrapheme(word: string): string {
  const segments = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(word)
  for (const { segment } of segments) return segment
  return ''
}

/**
 * Keyboard-wedge card reader parser. Readers "type" the card's track data very fast and end with a
 * suffix key (Enter by default); people type slowly. This parser takes keydown `key` values with
 * their timestamps and decides which bursts are card reads, extracting only the id to look up.
 *
 * It is pure (no DOM): the renderer feeds it `event.key` and `event.timeStamp`.
 */
import type { CardReaderSettings } from './api.ts'

type CardReadRejection =
  /** Keys arrived slower than the reader's maximum gap: a person typing, not a card. */
  | 'slow'
  | 'too_short'
  | 'too_long'
  /** A non-character key (Tab, Backspace, arrows, Ctrl…) arrived inside a fast burst. */
  | 'garbage'
  | 'missing_prefix'
  /** The burst did not match the id pattern (e.g. a human key mixed into a swipe). */
  | 'no_match'

export type CardReaderOutcome =
  /** The key is not part of any burst (a lone Enter on a button, a modifier): leave it alone. */
  | { kind: 'ignored' }
  /** The key was taken into a possible card read. */
  | { kind: 'buffering' }
  | { kind: 'read'; id: string }
  | { kind: 'rejected'; reason: CardReadRejection }

export interface CardReader {
  /** Feeds one keydown. `timeMs` is a monotonic timestamp (e.g. `KeyboardEvent.timeStamp`). */
  push(key: string, timeMs: number): CardReaderOutcome
  /**
   * Call when no key has arrived for a while: a burst older than the maximum gap is dropped (or,
   * with no suffix configured, evaluated), so a partial swipe never stays in memory.
   */
  flush(timeMs: number): CardReaderOutcome
  /** True while a burst is buffered. */
  readonly busy: boolean
  /** Forgets everything buffered. */
  reset(): void
}

/** The renderer should swallow a key that ended a fast burst (so Enter does not press a button). */
export function shouldSwallowKey(outcome: CardReaderOutcome): boolean {
  return outcome.kind === 'read' || (outcome.kind === 'rejected' && outcome.reason !== 'slow')
}

export class CardReaderConfigError extends Error {
  readonly kind = 'invalid_id_pattern'
  constructor(message: string) {
    super(message)
    this.name = 'CardReaderConfigError'
  }
}

/** Keys a reader sends around shifted characters (`%`, `^`, `?`): never data, never garbage. */
const neutralKeys = new Set(['Shift', 'CapsLock'])

function isCharacterKey(key: string): boolean {
  // `key` is one printable character for character keys, a name ("Tab", "ArrowUp") otherwise.
  const first = key.codePointAt(0) ?? 0
  return key.length === (first > 0xffff ? 2 : 1)
}

function compileIdPattern(pattern: string): RegExp {
  let regex: RegExp
  try {
    regex = new RegExp(pattern, 'u')
  } catch (error) {
    throw new CardReaderConfigError(
      `The card reader id pattern is not a valid regular expression: ${(error as Error).message}`,
    )
  }
  // An alternation with the empty pattern always matches, which reveals the number of groups.
  const groups = (new RegExp(`${pattern}|`, 'u').exec('')?.length ?? 1) - 1
  if (groups < 1) {
    throw new CardReaderConfigError(
      'The card reader id pattern needs one capture group for the id.',
    )
  }
  return regex
}

export function createCardReader(settings: CardReaderSettings): CardReader {
  const idPattern = compileIdPattern(settings.idPattern)
  const { prefix, suffix, minLength, maxLength, maxKeyGapMs } = settings
  const maxBufferedChars = maxLength + prefix.length

  // The current burst. Characters are dropped, not kept, once the burst is known to be bad.
  let chars: string[] = []
  /** Character keys in the current burst, including any dropped once it went bad. */
  let burstKeys = 0
  let inBurst = false
  let garbage = false
  let overflow = false
  let lastKeyAt: number | null = null
  /** A burst was abandoned because of a slow gap since the last suffix: someone was typing. */
  let slowSeen = false

  function clearBurst(): void {
    chars = []
    burstKeys = 0
    inBurst = false
    garbage = false
    overflow = false
  }

  function reset(): void {
    clearBurst()
    lastKeyAt = null
    slowSeen = false
  }

  function evaluate(): CardReaderOutcome {
    const wasSlow = slowSeen
    const data = chars.join('')
    const bad: CardReadRejection | null = garbage
      ? 'garbage'
      : overflow
        ? 'too_long'
        : !data.startsWith(prefix)
          ? 'missing_prefix'
          : null
    reset()
    if (bad) return { kind: 'rejected', reason: bad }
    const body = data.slice(prefix.length)
    if (body.length < minLength) return { kind: 'rejected', reason: wasSlow ? 'slow' : 'too_short' }
    if (body.length > maxLength) return { kind: 'rejected', reason: 'too_long' }
    const id = idPattern.exec(body)?.[1]
    if (!id) return { kind: 'rejected', reason: 'no_match' }
    return { kind: 'read', id }
  }

  function isStale(timeMs: number): boolean {
    return lastKeyAt !== null && (timeMs - lastKeyAt > maxKeyGapMs || timeMs < lastKeyAt)
  }

  function push(key: string, timeMs: number): CardReaderOutcome {
    if (isStale(timeMs)) {
      if (inBurst) slowSeen = true
      clearBurst()
    }
    lastKeyAt = timeMs

    if (suffix !== '' && key === suffix) {
      if (!inBurst) {
        const wasSlow = slowSeen
        reset()
        return wasSlow ? { kind: 'rejected', reason: 'slow' } : { kind: 'ignored' }
      }
      return evaluate()
    }
    if (neutralKeys.has(key)) return inBurst ? { kind: 'buffering' } : { kind: 'ignored' }

    if (!isCharacterKey(key)) {
      if (!inBurst) return { kind: 'ignored' }
      // Keep nothing of a burst that is already known to be garbage.
      chars = []
      garbage = true
      return { kind: 'buffering' }
    }

    inBurst = true
    burstKeys += 1
    if (garbage || overflow) return { kind: 'buffering' }
    if (chars.length >= maxBufferedChars) {
      chars = []
      overflow = true
      return { kind: 'buffering' }
    }
    chars.push(key)
    return { kind: 'buffering' }
  }

  function flush(timeMs: number): CardReaderOutcome {
    if (!inBurst || !isStale(timeMs)) return { kind: 'ignored' }
    // With a suffix, a burst that stops before it never ended properly.
    if (suffix !== '') {
      reset()
      return { kind: 'ignored' }
    }
    // With no suffix, a burst ends when the keys stop. A single key shows no speed (there is no
    // gap to measure), and a person typing slowly makes nothing but such bursts: never a read.
    if (burstKeys < 2) {
      reset()
      return { kind: 'rejected', reason: 'slow' }
    }
    return evaluate()
  }

  return {
    push,
    flush,
    reset,
    get busy() {
      return inBurst
    },
  }
}

/**
 * Keys typed before the app's card reader listens. A card reader types a swipe as one fast burst
 * of keys; a patron who swipes while the kiosk is still starting (the attract screen is already
 * painted from the build's prerender) must not lose it. The first-paint script records the keys
 * from the start; the card reader takes them once, when it first listens, and replays them through
 * the same parser as live keys, so only a real swipe becomes a read.
 *
 * Nothing here touches the DOM but `recordEarlyKeys`, which the first-paint script calls.
 */
import type { CardReader } from '../../../common/cardReader.ts'

export interface EarlyKey {
  /** `KeyboardEvent.key`, or 'Repeat' for a held-down key (never card data). */
  key: string
  /** `KeyboardEvent.timeStamp`: the same clock as the live keys the reader gets later. */
  timeStamp: number
  /** `performance.now()` when it was recorded: the clock the replay's age check reads. */
  at: number
}

export interface EarlyKeyBuffer {
  record(key: EarlyKey): void
  /** Returns what was recorded, in order, and forgets it: a second call returns nothing. */
  take(): EarlyKey[]
}

/** More than two swipes' worth of keys: older ones are dropped, so the buffer never grows. */
const earlyKeyLimit = 128

/** A read whose last key is older than this when the reader takes it is dropped: nobody waits. */
export const earlyReadMaxAgeMs = 10_000

export function createEarlyKeyBuffer(limit = earlyKeyLimit): EarlyKeyBuffer {
  let keys: EarlyKey[] = []
  return {
    record(key) {
      keys.push(key)
      if (keys.length > limit) keys = keys.slice(keys.length - limit)
    },
    take() {
      const taken = keys
      keys = []
      return taken
    },
  }
}

/**
 * Feeds `keys` to `reader` as if they had just been typed, and returns the id of the last card
 * read among them that ended at most `maxAgeMs` before `nowMs` (null if none; `nowMs` on the
 * clock of `at`). The reader keeps any burst still open at the end, so a swipe that straddles the
 * moment the app took over is read whole from the live keys that follow.
 */
export function replayEarlyKeys(
  reader: CardReader,
  keys: readonly EarlyKey[],
  nowMs: number,
  maxAgeMs = earlyReadMaxAgeMs,
): string | null {
  let id: string | null = null
  for (const key of keys) {
    const outcome = reader.push(key.key, key.timeStamp)
    if (outcome.kind === 'read' && nowMs - key.at <= maxAgeMs) id = outcome.id
  }
  return id
}

/** What the first-paint script leaves on `window` for the app: the keys typed so far. */
interface EarlyKeySource {
  /** Stops recording and hands over (and forgets) the keys recorded so far; once. */
  take(): EarlyKey[]
}

declare global {
  interface Window {
    /** Set by the first-paint script; removed by the card reader when it takes the keys. */
    kioskEarlyKeys?: EarlyKeySource
  }
}

/** The first-paint script: records every keydown on `win` until the card reader takes them. */
export function recordEarlyKeys(win: Window, buffer = createEarlyKeyBuffer()): void {
  const onKeyDown = (event: KeyboardEvent) => {
    buffer.record({
      key: event.repeat ? 'Repeat' : event.key,
      timeStamp: event.timeStamp,
      at: performance.now(),
    })
  }
  win.addEventListener('keydown', onKeyDown, true)
  win.kioskEarlyKeys = {
    take() {
      win.removeEventListener('keydown', onKeyDown, true)
      delete win.kioskEarlyKeys
      return buffer.take()
    },
  }
}

/** The app's card reader: the keys typed before it listened (none without a first-paint script). */
export function takeEarlyKeys(win: Window): EarlyKey[] {
  return win.kioskEarlyKeys?.take() ?? []
}

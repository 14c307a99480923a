import { afterEach, describe, expect, it } from 'vitest'
import { cardReaderSettingsSchema } from '../../../common/api.ts'
import { createCardReader } from '../../../common/cardReader.ts'
import {
  createEarlyKeyBuffer,
  earlyReadMaxAgeMs,
  recordEarlyKeys,
  replayEarlyKeys,
  takeEarlyKeys,
  type EarlyKey,
} from '../../../renderer/src/startup/earlyKeys.ts'

const readerSettings = cardReaderSettingsSchema.parse({})
const reader = () => createCardReader(readerSettings)

/** Keys as a wedge reader types them (shifted characters after Shift), `gapMs` apart. */
function typed(text: string, { startMs = 1000, gapMs = 5 } = {}): EarlyKey[] {
  const keys = Array.from(text).flatMap((char) =>
    /[%^?A-Z]/u.test(char) ? ['Shift', char] : [char],
  )
  // Event timestamps and the recording clock may differ (they do under a test's fake clock).
  return keys.map((key, index) => ({
    key,
    timeStamp: startMs + index * gapMs,
    at: 50_000 + startMs + index * gapMs,
  }))
}

const swipe = (card: string, options?: { startMs?: number; gapMs?: number }) =>
  typed(`;${card}=2612?\n`, options).map((key) =>
    key.key === '\n' ? { ...key, key: 'Enter' } : key,
  )

afterEach(() => {
  delete window.kioskEarlyKeys
})

describe('renderer/startup/earlyKeys', () => {
  it('replays a swipe typed before the app ran as one read', () => {
    const keys = swipe('2000000001')
    expect(replayEarlyKeys(reader(), keys, 51_500)).toBe('2000000001')
  })

  it('takes slow typing before the app ran for a person, not a card', () => {
    const keys = swipe('2000000001', { gapMs: 200 })
    expect(replayEarlyKeys(reader(), keys, 60_000)).toBeNull()
  })

  it('drops a swipe nobody is waiting for any more', () => {
    const keys = swipe('2000000001')
    const end = keys.at(-1)?.at ?? 0
    expect(replayEarlyKeys(reader(), keys, end + earlyReadMaxAgeMs)).toBe('2000000001')
    expect(replayEarlyKeys(reader(), keys, end + earlyReadMaxAgeMs + 1)).toBeNull()
  })

  it('keeps the last of two swipes (one patron at the kiosk)', () => {
    const keys = [...swipe('2000000001'), ...swipe('2000000002', { startMs: 3000 })]
    expect(replayEarlyKeys(reader(), keys, 53_500)).toBe('2000000002')
  })

  it('leaves a swipe cut off by the app taking over for the live keys to finish', () => {
    const keys = swipe('2000000001')
    const cardReader = reader()
    expect(replayEarlyKeys(cardReader, keys.slice(0, 6), 51_100)).toBeNull()
    expect(cardReader.busy).toBe(true)
    const outcomes = keys.slice(6).map((key) => cardReader.push(key.key, key.timeStamp))
    expect(outcomes.at(-1)).toEqual({ kind: 'read', id: '2000000001' })
  })

  it('forgets what it handed over, and keeps only the newest keys', () => {
    const buffer = createEarlyKeyBuffer(3)
    for (const key of typed('12345')) buffer.record(key)
    expect(buffer.take().map((key) => key.key)).toEqual(['3', '4', '5'])
    expect(buffer.take()).toEqual([])
  })

  it('records keydowns on the window until the card reader takes them, once', () => {
    recordEarlyKeys(window)
    for (const key of ['1', '2']) window.dispatchEvent(new KeyboardEvent('keydown', { key }))
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', repeat: true }))
    expect(takeEarlyKeys(window).map((key) => key.key)).toEqual(['1', '2', 'Repeat'])
    // Taken: nothing is recorded any more, and nothing is left on the window.
    expect('kioskEarlyKeys' in window).toBe(false)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3' }))
    expect(takeEarlyKeys(window)).toEqual([])
  })
})

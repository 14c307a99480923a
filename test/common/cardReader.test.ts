import { describe, expect, it } from 'vitest'
import { cardReaderSettingsSchema, type CardReaderSettings } from '../../common/api.ts'
import {
  CardReaderConfigError,
  createCardReader,
  shouldSwallowKey,
  type CardReader,
  type CardReaderOutcome,
} from '../../common/cardReader.ts'

const defaults = cardReaderSettingsSchema.parse({})

/** Key values the way a keyboard wedge sends them: shifted characters come with a Shift keydown. */
function keysFor(text: string): string[] {
  return Array.from(text).flatMap((char) => (/[%^?A-Z]/u.test(char) ? ['Shift', char] : [char]))
}

/** Feeds keys with a fixed gap (synthetic timings) and returns every outcome. */
function feed(
  reader: CardReader,
  keys: readonly string[],
  { startMs = 1000, gapMs = 8 }: { startMs?: number; gapMs?: number } = {},
): CardReaderOutcome[] {
  return keys.map((key, index) => reader.push(key, startMs + index * gapMs))
}

function swipe(reader: CardReader, data: string, options?: { startMs?: number; gapMs?: number }) {
  return feed(reader, [...keysFor(data), 'Enter'], options).at(-1)
}

function reader(overrides: Partial<CardReaderSettings> = {}): CardReader {
  return createCardReader({ ...defaults, ...overrides })
}

describe('common/cardReader', () => {
  it('reads the id from a fast track 2 swipe ending in Enter', () => {
    expect(swipe(reader(), ';2000000001=2612?')).toEqual({ kind: 'read', id: '2000000001' })
  })

  it('reads the id from a track 1 swipe and drops the name', () => {
    const outcome = swipe(reader(), '%B2000000001^NUNEZ/MARIA^2612101?')
    expect(outcome).toEqual({ kind: 'read', id: '2000000001' })
  })

  it('reads plain digits ending in Enter', () => {
    expect(swipe(reader(), '2000000008')).toEqual({ kind: 'read', id: '2000000008' })
  })

  it('reports every key of a burst as buffering until the suffix', () => {
    const outcomes = feed(reader(), ['1', '2', '3', '4', '5'])
    expect(outcomes.every((outcome) => outcome.kind === 'buffering')).toBe(true)
  })

  it('rejects slow typing as not a card read and does not swallow the Enter', () => {
    const outcome = swipe(reader(), '2000000001', { gapMs: 180 })
    expect(outcome).toEqual({ kind: 'rejected', reason: 'slow' })
    expect(shouldSwallowKey(outcome ?? { kind: 'ignored' })).toBe(false)
  })

  it('rejects a burst when only one gap is slower than the maximum', () => {
    const r = reader()
    feed(r, ['2', '0', '0', '0', '0'], { startMs: 0 })
    // 61 ms after the last key with the default 50 ms gap: the rest is a new, too-short burst.
    const outcomes = feed(r, ['0', '0', '0', 'Enter'], { startMs: 32 + 61 })
    expect(outcomes.at(-1)).toEqual({ kind: 'rejected', reason: 'slow' })
  })

  it('accepts gaps right at the configured maximum', () => {
    expect(swipe(reader({ maxKeyGapMs: 20 }), '2000000001', { gapMs: 20 })).toEqual({
      kind: 'read',
      id: '2000000001',
    })
    expect(swipe(reader({ maxKeyGapMs: 20 }), '2000000001', { gapMs: 21 })?.kind).toBe('rejected')
  })

  it('reads a swipe that follows slow human typing', () => {
    const r = reader()
    feed(r, ['1', '2', '3'], { startMs: 0, gapMs: 400 })
    expect(swipe(r, ';2000000002=2612?', { startMs: 5000 })).toEqual({
      kind: 'read',
      id: '2000000002',
    })
  })

  it('rejects too short reads', () => {
    const outcome = swipe(reader(), '123')
    expect(outcome).toEqual({ kind: 'rejected', reason: 'too_short' })
    expect(shouldSwallowKey(outcome ?? { kind: 'ignored' })).toBe(true)
  })

  it('rejects too long reads and keeps reading afterwards', () => {
    const r = reader({ maxLength: 12 })
    expect(swipe(r, '1234567890123')).toEqual({ kind: 'rejected', reason: 'too_long' })
    expect(swipe(r, '123456789012', { startMs: 9000 })).toEqual({
      kind: 'read',
      id: '123456789012',
    })
  })

  it('rejects garbage that does not match the id pattern', () => {
    expect(swipe(reader(), 'hello world')).toEqual({ kind: 'rejected', reason: 'no_match' })
    expect(swipe(reader(), ';=?')).toEqual({ kind: 'rejected', reason: 'too_short' })
    expect(swipe(reader(), ';ABCDEFG=1?')).toEqual({ kind: 'rejected', reason: 'no_match' })
  })

  it('rejects a human character key interleaved into a swipe', () => {
    const keys = keysFor(';20000x00001=2612?')
    expect(feed(reader(), [...keys, 'Enter']).at(-1)).toEqual({
      kind: 'rejected',
      reason: 'no_match',
    })
  })

  it('rejects a burst with a non-character key in it (Tab, Backspace, arrows)', () => {
    for (const intruder of ['Tab', 'Backspace', 'ArrowDown', 'Control']) {
      const keys = [...keysFor(';20000'), intruder, ...keysFor('00001=2612?'), 'Enter']
      expect(feed(reader(), keys).at(-1)).toEqual({ kind: 'rejected', reason: 'garbage' })
    }
  })

  it('ignores a lone Enter and lone named keys, so buttons keep working', () => {
    const r = reader()
    expect(r.push('Enter', 100)).toEqual({ kind: 'ignored' })
    expect(r.push('Tab', 500)).toEqual({ kind: 'ignored' })
    expect(r.push('Shift', 900)).toEqual({ kind: 'ignored' })
    expect(shouldSwallowKey({ kind: 'ignored' })).toBe(false)
  })

  it('requires the configured prefix and strips it before matching', () => {
    const r = reader({ prefix: '~' })
    expect(swipe(r, '2000000001')).toEqual({ kind: 'rejected', reason: 'missing_prefix' })
    expect(swipe(r, '~2000000001', { startMs: 5000 })).toEqual({ kind: 'read', id: '2000000001' })
  })

  it('uses the configured suffix and id pattern', () => {
    const r = reader({ suffix: 'Tab', idPattern: '^ID(\\d{6})$' })
    expect(feed(r, [...keysFor('ID123456'), 'Tab']).at(-1)).toEqual({ kind: 'read', id: '123456' })
    // Enter is an ordinary non-character key for this reader.
    expect(feed(r, [...keysFor('ID123456'), 'Enter', 'Tab'], { startMs: 9000 }).at(-1)).toEqual({
      kind: 'rejected',
      reason: 'garbage',
    })
  })

  it('ends a read when the keys stop when no suffix is configured', () => {
    const r = reader({ suffix: '' })
    feed(r, keysFor('2000000003'), { startMs: 0, gapMs: 5 })
    expect(r.flush(60)).toEqual({ kind: 'ignored' })
    expect(r.flush(200)).toEqual({ kind: 'read', id: '2000000003' })
    expect(r.busy).toBe(false)
  })

  it('keeps nothing of a partial swipe once the keys stop', () => {
    const r = reader()
    feed(r, keysFor(';2000000001=26'), { startMs: 0 })
    expect(r.busy).toBe(true)
    r.flush(10_000)
    expect(r.busy).toBe(false)
    // The next fast keys form a burst of their own: the old digits are gone.
    expect(swipe(r, '4321', { startMs: 10_010 })).toEqual({ kind: 'rejected', reason: 'no_match' })
  })

  it('keeps nothing once a read is parsed', () => {
    const r = reader()
    swipe(r, ';2000000001=2612?')
    expect(r.busy).toBe(false)
    expect(r.push('Enter', 1200)).toEqual({ kind: 'ignored' })
  })

  it('treats a clock going backwards as a gap', () => {
    const r = reader()
    feed(r, ['1', '2', '3', '4', '5'], { startMs: 1000 })
    expect(r.push('Enter', 10)).toEqual({ kind: 'rejected', reason: 'slow' })
  })

  it('refuses an id pattern that is invalid or has no capture group', () => {
    expect(() => reader({ idPattern: '(' })).toThrow(CardReaderConfigError)
    expect(() => reader({ idPattern: '^\\d+$' })).toThrow(/capture group/u)
  })
})

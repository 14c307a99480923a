/**
 * The card reader tried at scale: people typing (any gap above the reader's maximum) never make a
 * read, a fast swipe of a valid track yields exactly its id whatever came before it, and keys mixed
 * into a swipe or plain garbage never yield one. A failure prints fast-check's seed and path: pass
 * them to `fc.assert` to replay it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cardReaderSettingsSchema, type CardReaderSettings } from '../../common/api.ts'
import { createCardReader, type CardReaderOutcome } from '../../common/cardReader.ts'

const runs = 300

/** Any setting the schema accepts, with id patterns a library might configure. */
const settings: fc.Arbitrary<CardReaderSettings> = fc
  .record({
    prefix: fc.constantFrom('', '~', ';', 'ID'),
    suffix: fc.constantFrom('Enter', 'Tab', ''),
    minLength: fc.integer({ min: 1, max: 128 }),
    extraLength: fc.integer({ min: 0, max: 128 }),
    maxKeyGapMs: fc.integer({ min: 5, max: 1000 }),
    idPattern: fc.constantFrom(
      cardReaderSettingsSchema.parse({}).idPattern,
      '^(\\d+)$',
      '^(.+)$',
      '(\\d)',
      '^ID(\\d{6})$',
    ),
  })
  .map(({ extraLength, ...rest }) =>
    cardReaderSettingsSchema.parse({ ...rest, maxLength: rest.minLength + extraLength }),
  )

const namedKeys = [
  'Tab',
  'Backspace',
  'ArrowLeft',
  'ArrowDown',
  'Control',
  'Alt',
  'Meta',
  'Escape',
  'Delete',
]

/** What a kiosk keyboard or a reader can send: characters, named keys, Enter, Shift. */
const anyKey = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(...'0123456789;=?%^B~ID'.split('')) },
  { weight: 2, arbitrary: fc.constantFrom('Enter', 'Shift', 'CapsLock', ...namedKeys) },
)

/** Key values the way a keyboard wedge sends them: shifted characters come with a Shift keydown. */
function keysFor(text: string): string[] {
  return Array.from(text).flatMap((char) => (/[%^?A-Z]/u.test(char) ? ['Shift', char] : [char]))
}

type Step = { key: string; atMs: number } | { flushAtMs: number }

function run(config: CardReaderSettings, steps: readonly Step[]): CardReaderOutcome[] {
  const reader = createCardReader(config)
  return steps.map((step) =>
    'key' in step ? reader.push(step.key, step.atMs) : reader.flush(step.flushAtMs),
  )
}

const reads = (outcomes: readonly CardReaderOutcome[]) =>
  outcomes.filter((outcome) => outcome.kind === 'read')

/** Times from `startMs` with each gap drawn from `gap`; returns the steps and the last time. */
function timed(keys: readonly string[], startMs: number, gap: fc.Arbitrary<number>) {
  return fc.array(gap, { minLength: keys.length, maxLength: keys.length }).map((gaps) => {
    let atMs = startMs
    const steps = keys.map((key, index) => {
      atMs += index === 0 ? 0 : (gaps[index] ?? 0)
      return { key, atMs }
    })
    return { steps, endMs: atMs }
  })
}

/** A card's track as a reader types it, and the id the default pattern must find in it. */
const track = fc
  .record({
    id: fc.stringMatching(/^\d{5,19}$/u),
    format: fc.constantFrom('track2', 'track1', 'plain'),
    data: fc.stringMatching(/^\d{0,12}$/u),
    name: fc.stringMatching(/^[A-Z]{1,12}\/[A-Z]{1,12}$/u),
  })
  .map(({ id, format, data, name }) => ({
    id,
    text:
      format === 'track2'
        ? `;${id}=${data}?`
        : format === 'track1'
          ? `%B${id}^${name}^${data}?`
          : id,
  }))

const defaults = cardReaderSettingsSchema.parse({})

describe('common/cardReader properties', () => {
  it('never reads anything from slow typing, with any settings and any keys', () => {
    const slowTyping = settings.chain((config) =>
      fc.tuple(
        fc.constant(config),
        fc
          .array(
            fc.record({
              key: anyKey,
              // Slower than the reader's maximum gap, or a clock going backwards.
              gapMs: fc.oneof(
                fc.integer({ min: config.maxKeyGapMs + 1, max: config.maxKeyGapMs * 20 }),
                fc.integer({ min: -1000, max: -1 }),
              ),
              flushAfterMs: fc.option(fc.integer({ min: 0, max: config.maxKeyGapMs * 20 })),
            }),
            { maxLength: 40 },
          )
          .map((keys) => {
            let atMs = 10_000
            return keys.flatMap(({ key, gapMs, flushAfterMs }): Step[] => {
              atMs += gapMs
              const push = { key, atMs }
              return flushAfterMs === null ? [push] : [push, { flushAtMs: atMs + flushAfterMs }]
            })
          }),
      ),
    )
    fc.assert(
      fc.property(slowTyping, ([config, steps]) => {
        expect(reads(run(config, steps))).toEqual([])
      }),
      {
        numRuns: runs,
        examples: [
          // Found by this property: with no suffix, one key and a pause was a burst, so a person
          // typing "7", then "3", each was read as an id when the pattern accepted one character.
          [
            [
              { ...defaults, suffix: '', minLength: 1, idPattern: '^(\\d+)$' },
              [{ key: '7', atMs: 0 }, { flushAtMs: 500 }, { key: '3', atMs: 1000 }],
            ],
          ],
        ],
      },
    )
  })

  it('reads exactly the id from a fast swipe, whatever was typed before it', () => {
    const swipe = fc
      .record({
        track,
        maxKeyGapMs: fc.integer({ min: 5, max: 1000 }),
        suffix: fc.constantFrom('Enter', ''),
        before: fc.array(anyKey, { maxLength: 10 }),
      })
      .chain(({ track: card, maxKeyGapMs, suffix, before }) => {
        const config = { ...defaults, maxKeyGapMs, suffix }
        const keys = [...keysFor(card.text), ...(suffix === '' ? [] : [suffix])]
        return fc
          .tuple(
            // Whatever came before, at any pace, then a pause longer than the reader's gap.
            timed(before, 0, fc.integer({ min: 0, max: 3 * maxKeyGapMs })),
            fc.integer({ min: maxKeyGapMs + 1, max: 5 * maxKeyGapMs }),
          )
          .chain(([earlier, pauseMs]) =>
            timed(keys, earlier.endMs + pauseMs, fc.integer({ min: 0, max: maxKeyGapMs })).map(
              (burst): [CardReaderSettings, Step[], number, string] => [
                config,
                [
                  ...earlier.steps,
                  ...burst.steps,
                  ...(suffix === '' ? [{ flushAtMs: burst.endMs + maxKeyGapMs + 1 }] : []),
                ],
                earlier.steps.length,
                card.id,
              ],
            ),
          )
      })
    fc.assert(
      fc.property(swipe, ([config, steps, beforeCount, id]) => {
        const outcomes = run(config, steps).slice(beforeCount)
        expect(outcomes.at(-1)).toEqual({ kind: 'read', id })
        // No key of the swipe but the last ends it (a leading Shift is ignored, not buffered).
        for (const outcome of outcomes.slice(0, -1)) {
          expect(['buffering', 'ignored']).toContain(outcome.kind)
        }
      }),
      { numRuns: runs },
    )
  })

  it('never reads a swipe with a key mixed into its id', () => {
    const mixed = fc
      .record({
        track,
        maxKeyGapMs: fc.integer({ min: 5, max: 1000 }),
        intruder: fc.oneof(
          fc.constantFrom(...namedKeys),
          fc.constantFrom(...'abcxyz!@#$&*()-_+[]{}|:"<>,./ '.split('')),
        ),
        at: fc.nat(),
      })
      .chain(({ track: card, maxKeyGapMs, intruder, at }) => {
        const keys = keysFor(card.text)
        // Inside the id (after its first digit, before its last): the swipe must not be read.
        const idStart = keys.indexOf(card.id[0] ?? '')
        const idKeys = keysFor(card.id).length
        const index = idStart + 1 + (at % (idKeys - 1))
        const withIntruder = [...keys.slice(0, index), intruder, ...keys.slice(index), 'Enter']
        return timed(withIntruder, 0, fc.integer({ min: 0, max: maxKeyGapMs })).map(
          ({ steps }): [CardReaderSettings, Step[], string] => [
            { ...defaults, maxKeyGapMs },
            steps,
            intruder,
          ],
        )
      })
    fc.assert(
      fc.property(mixed, ([config, steps, intruder]) => {
        const outcome = run(config, steps).at(-1)
        expect(outcome?.kind).toBe('rejected')
        if (namedKeys.includes(intruder)) expect(outcome).toMatchObject({ reason: 'garbage' })
      }),
      { numRuns: runs },
    )
  })

  it('never reads garbage (keys without digits), at any pace', () => {
    const noIdKeys = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((key) => !/\d/u.test(key)),
      fc.constantFrom('Enter', 'Shift', ...namedKeys),
    )
    const garbage = fc
      .tuple(
        fc.array(noIdKeys, { maxLength: 60 }),
        fc.integer({ min: 5, max: 1000 }),
        fc.constantFrom('Enter', ''),
      )
      .chain(([keys, maxKeyGapMs, suffix]) =>
        timed(keys, 0, fc.integer({ min: 0, max: 2 * maxKeyGapMs })).map(
          ({ steps, endMs }): [CardReaderSettings, Step[]] => [
            { ...defaults, maxKeyGapMs, suffix },
            [...steps, { flushAtMs: endMs + maxKeyGapMs + 1 }],
          ],
        ),
      )
    fc.assert(
      fc.property(garbage, ([config, steps]) => {
        expect(reads(run(config, steps))).toEqual([])
      }),
      { numRuns: runs },
    )
  })
})

import { useEffect } from 'react'
import type { CardReaderSettings } from '../../../common/api.ts'
import { createCardReader, shouldSwallowKey, type CardReader } from '../../../common/cardReader.ts'
import { replayEarlyKeys, takeEarlyKeys } from '../startup/earlyKeys.ts'

/**
 * Listens for keyboard-wedge card swipes on the whole window while `enabled`. Only the id the
 * parser extracts leaves this hook; keys are never stored or logged. The first time it listens it
 * first replays the keys typed while the kiosk was starting (`startup/earlyKeys.ts`), once.
 */
export function useCardReader(
  enabled: boolean,
  settings: CardReaderSettings | undefined,
  onRead: (id: string) => void,
): void {
  useEffect(() => {
    if (!enabled || !settings) return
    let reader: CardReader
    try {
      reader = createCardReader(settings)
    } catch {
      // A bad id pattern from the settings: no card reads, but manual entry still works.
      return
    }
    let flushTimer: ReturnType<typeof setTimeout> | undefined
    // Event timestamps and performance.now() share an origin in browsers but not everywhere,
    // so the flush time is the last event's timestamp plus the time elapsed since.
    let lastStamp = 0
    let lastPerf = 0

    const flush = () => {
      const outcome = reader.flush(lastStamp + (performance.now() - lastPerf))
      if (outcome.kind === 'read') onRead(outcome.id)
    }

    const onKeyDown = (event: KeyboardEvent) => {
      lastStamp = event.timeStamp
      lastPerf = performance.now()
      // A held-down key repeats fast like a reader; a repeat is never card data.
      const outcome = reader.push(event.repeat ? 'Repeat' : event.key, event.timeStamp)
      if (shouldSwallowKey(outcome)) {
        // The Enter that ends a swipe must not press whatever button has focus.
        event.preventDefault()
        event.stopPropagation()
      }
      clearTimeout(flushTimer)
      if (outcome.kind === 'read') onRead(outcome.id)
      else if (reader.busy) flushTimer = setTimeout(flush, settings.maxKeyGapMs + 25)
    }

    window.addEventListener('keydown', onKeyDown, true)

    // A swipe while the kiosk was starting: read it now, or carry on an unfinished one.
    const early = takeEarlyKeys(window)
    const last = early.at(-1)
    if (last) {
      lastStamp = last.timeStamp
      lastPerf = performance.now()
      const id = replayEarlyKeys(reader, early, performance.now())
      if (id !== null) onRead(id)
      else if (reader.busy) flushTimer = setTimeout(flush, settings.maxKeyGapMs + 25)
    }

    return () => {
      window.removeEventListener('keydown', onKeyDown, true)
      clearTimeout(flushTimer)
      reader.reset()
    }
  }, [enabled, settings, onRead])
}

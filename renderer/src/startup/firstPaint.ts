/**
 * The first-paint script: a small classic script that index.html loads before the app
 * (`<script defer blocking="render">`, bundled on its own by `kioskFirstPaint` in
 * renderer/vite.config.ts). The build has prerendered the attract screen into index.html; this
 * script runs before the first frame is painted and
 * - draws that screen in the last known settings' look (library name, logo, colours, languages),
 * - records the keys typed until the app's card reader listens, so a swipe during start-up is
 *   read once the app runs (`earlyKeys.ts`),
 * - sets the attract-painted mark in the task after the first frame, as the attract screen does
 *   when there is no prerender (the app then leaves the mark alone).
 * The app then draws the same screen over it (`main.tsx`).
 */
import { attractPaintedMark } from '../../../common/startupPaint.ts'
import { localStorageOf } from '../state/settingsStorage.ts'
import { recordEarlyKeys } from './earlyKeys.ts'
import { applyStoredLook, readStoredLook } from './storedLook.ts'

recordEarlyKeys(window)
applyStoredLook(document, readStoredLook(localStorageOf(window)))
// The task after the next animation frame runs once that frame has been painted.
requestAnimationFrame(() => {
  setTimeout(() => {
    if (performance.getEntriesByName(attractPaintedMark).length === 0) {
      performance.mark(attractPaintedMark)
    }
  }, 0)
})

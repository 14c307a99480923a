import { useEffect } from 'react'
import { idleTimeoutKey } from '../state/screens.ts'
import { useKiosk, useKioskStore } from '../state/StoreContext.tsx'

const activityEvents = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const

/**
 * Opens the "Are you still there?" warning after the screen's idle timeout without any touch or
 * key. The attract screen only idles when a patron changed the language or text size there.
 */
export function useIdleTimer(): void {
  const store = useKioskStore()
  const screen = useKiosk((state) => state.screen.name)
  const settings = useKiosk((state) => state.settings)
  const warningOpen = useKiosk((state) => state.idleWarningEndsAt !== null)
  const preferencesChanged = useKiosk(
    (state) =>
      state.largeText || state.language !== (state.settings?.defaultLanguage ?? state.language),
  )

  useEffect(() => {
    // A warning belongs to the screen it opened on (e.g. the patron came back from CashNet).
    store.getState().dismissIdleWarning()
  }, [store, screen])

  useEffect(() => {
    const key =
      screen === 'attract' ? (preferencesChanged ? 'default' : null) : idleTimeoutKey(screen)
    const { setIdleDeadline, openIdleWarning } = store.getState()
    if (key === null || !settings || warningOpen) {
      if (!warningOpen) setIdleDeadline(null)
      return
    }
    const timeoutMs = settings.idleTimeoutSeconds[key] * 1000
    let timer: ReturnType<typeof setTimeout> | undefined
    let armedAt = 0

    const arm = () => {
      armedAt = Date.now()
      setIdleDeadline(armedAt + timeoutMs)
      clearTimeout(timer)
      timer = setTimeout(openIdleWarning, timeoutMs)
    }
    const onActivity = () => {
      // Re-arming on every pointer move of a busy finger is wasteful; once a second is plenty.
      if (Date.now() - armedAt >= 1000) arm()
    }

    arm()
    for (const type of activityEvents) {
      window.addEventListener(type, onActivity, { capture: true, passive: true })
    }
    return () => {
      clearTimeout(timer)
      for (const type of activityEvents) {
        window.removeEventListener(type, onActivity, { capture: true })
      }
    }
  }, [store, screen, settings, warningOpen, preferencesChanged])
}

import { useEffect } from 'react'
import type { KioskBridge } from '../../../common/kioskBridge.ts'
import { useKiosk, useKioskStore } from '../state/StoreContext.tsx'

const heartbeatMs = 5_000
const settingsRetryMs = 10_000

/** Tells the host's watchdog we are alive, and retries the settings while the service is away. */
export function useHostEffects(host: KioskBridge): void {
  const store = useKioskStore()
  const settingsStatus = useKiosk((state) => state.settingsStatus)

  useEffect(() => {
    host.heartbeat()
    const timer = setInterval(() => {
      host.heartbeat()
    }, heartbeatMs)
    return () => {
      clearInterval(timer)
    }
  }, [host])

  useEffect(() => {
    if (settingsStatus !== 'unavailable') return
    const timer = setInterval(() => {
      void store.getState().loadSettings()
    }, settingsRetryMs)
    return () => {
      clearInterval(timer)
    }
  }, [store, settingsStatus])
}

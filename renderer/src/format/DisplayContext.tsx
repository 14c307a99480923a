import { createContext, useContext, type ReactNode } from 'react'
import type { FeeTypeNames, Language } from '../../../common/api.ts'

/**
 * What the shared components need to show money, dates and fees: the patron's language, the
 * currency, the institution's fee type names and whether item titles are shown. The kiosk feeds
 * it from its store, the patron pay pages from their session; the components read only this.
 */
export interface DisplayPrefs {
  language: Language
  currency: string
  feeTypeNames: FeeTypeNames | undefined
  showItemTitles: boolean
}

const DisplayContext = createContext<DisplayPrefs | null>(null)

export function DisplayProvider({ value, children }: { value: DisplayPrefs; children: ReactNode }) {
  return <DisplayContext value={value}>{children}</DisplayContext>
}

export function useDisplayPrefs(): DisplayPrefs {
  const prefs = useContext(DisplayContext)
  if (!prefs) throw new Error('useDisplayPrefs needs a <DisplayProvider> above it')
  return prefs
}

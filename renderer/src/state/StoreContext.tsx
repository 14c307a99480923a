import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { KioskStore } from './store.ts'
import type { KioskState } from './types.ts'

const StoreContext = createContext<KioskStore | null>(null)

export function KioskStoreProvider({
  store,
  children,
}: {
  store: KioskStore
  children: ReactNode
}) {
  return <StoreContext value={store}>{children}</StoreContext>
}

export function useKioskStore(): KioskStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useKioskStore needs a <KioskStoreProvider> above it')
  return store
}

/** Subscribes to one slice of the kiosk state (return stable values: primitives or stored objects). */
export function useKiosk<T>(selector: (state: KioskState) => T): T {
  return useStore(useKioskStore(), selector)
}

/** The store's actions (stable functions), for event handlers. */
export function useKioskActions(): KioskState {
  return useKioskStore().getState()
}

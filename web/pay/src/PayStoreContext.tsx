import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { PayState, PayStore } from './payStore.ts'

const PayStoreContext = createContext<PayStore | null>(null)

export function PayStoreProvider({ store, children }: { store: PayStore; children: ReactNode }) {
  return <PayStoreContext value={store}>{children}</PayStoreContext>
}

function usePayStore(): PayStore {
  const store = useContext(PayStoreContext)
  if (!store) throw new Error('usePay needs a <PayStoreProvider> above it')
  return store
}

/** Subscribes to one slice of the pay state (return stable values). */
export function usePay<T>(selector: (state: PayState) => T): T {
  return useStore(usePayStore(), selector)
}

/** The store's actions (stable functions), for event handlers. */
export function usePayActions(): PayState {
  return usePayStore().getState()
}

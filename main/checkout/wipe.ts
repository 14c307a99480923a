/**
 * What "wiped" means for the CashNet partition after every patron: all storage types
 * (`clearData`: cookies, local storage, IndexedDB, service workers, cache storage, …), the HTTP
 * cache and the HTTP auth cache. Each step runs even when an earlier one fails.
 */
export interface WipeableSession {
  clearData(): Promise<void>
  clearCache(): Promise<void>
  clearAuthCache(): Promise<void>
}

const wipeSteps = ['clearData', 'clearCache', 'clearAuthCache'] as const
export type WipeStep = (typeof wipeSteps)[number]

export async function wipeSession(session: WipeableSession): Promise<{ failed: WipeStep[] }> {
  const failed: WipeStep[] = []
  for (const step of wipeSteps) {
    try {
      await session[step]()
    } catch {
      failed.push(step)
    }
  }
  return { failed }
}

/**
 * What connects the app to the service and the host, with every answer checked against the
 * contracts in `common/` (zod and the API schemas): a chunk of its own, which `main.tsx` imports
 * as soon as it runs. The attract screen is already painted by then (the build's prerender and the
 * first-paint script), so none of this has to arrive before it, and the app's first chunk is
 * React, i18n and the screens.
 */
// First: configures zod before any schema parses.
import './zodConfig.ts'

export { createKioskApi } from './api/kioskApi.ts'
export { resolveKioskHost } from './host/kioskHost.ts'
export { createSettingsCache } from './state/settingsCache.ts'

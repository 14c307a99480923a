/**
 * `app://` must be registered as privileged before the app is ready (Electron allows it once):
 * standard (real origins, relative URLs), secure (like https, so no mixed-content downgrade), and
 * allowed to use fetch() for the /api/* proxy.
 */
import type { CustomScheme } from 'electron'
import { appScheme } from './appUrl.ts'

export const appSchemePrivileges: CustomScheme = {
  scheme: appScheme,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    codeCache: true,
  },
}

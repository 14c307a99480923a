/**
 * Electron main entry. Before `ready`: the privileged app:// scheme and the single-instance lock.
 * After: either `--protect-key` (a one-off for IT) or the kiosk itself.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, protocol, safeStorage } from 'electron'
import { argValue } from './config/configPath.ts'
import { protectKeyFile } from './config/protectKey.ts'
import { startKiosk } from './kiosk.ts'
import { appSchemePrivileges } from './protocol/scheme.ts'

/** The folder under the OS's per-user app data folder that holds runtime state and logs/. */
export const kioskAppFolder = 'Library Payments Kiosk'

protocol.registerSchemesAsPrivileged([appSchemePrivileges])
// One settled place for runtime state and logs, packaged or not:
// %APPDATA%\Library Payments Kiosk (Windows), ~/.config/Library Payments Kiosk (Linux).
app.setPath('userData', join(app.getPath('appData'), kioskAppFolder))

const keyToProtect = argValue(process.argv, 'protect-key')

if (keyToProtect !== undefined) {
  void app.whenReady().then(() => {
    const result = protectKeyFile(keyToProtect, safeStorage, {
      readFile: (path) => readFileSync(path, 'utf8'),
      writeFile: (path, text) => {
        writeFileSync(path, text, { mode: 0o600 })
      },
    })
    if (result.ok) {
      console.log(`Protected key written to ${result.outputPath}`)
      app.exit(0)
    } else {
      console.error(result.problem)
      app.exit(1)
    }
  })
} else if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void startKiosk({
    argv: process.argv,
    env: process.env,
    platform: process.platform,
    rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
    preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
  })
}

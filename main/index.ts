import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, Menu } from 'electron'
import { kioskWindowOptions } from './windowOptions.ts'

const production = app.isPackaged || process.env.NODE_ENV === 'production'

async function createKioskWindow(): Promise<void> {
  Menu.setApplicationMenu(null)
  const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
  const window = new BrowserWindow(kioskWindowOptions({ production, preloadPath }))
  window.once('ready-to-show', () => {
    window.show()
  })
  const serviceUrl = process.env.KIOSK_SERVICE_URL
  if (serviceUrl) {
    await window.loadURL(serviceUrl)
  } else {
    await window.loadFile(fileURLToPath(new URL('../renderer/index.html', import.meta.url)))
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('window-all-closed', () => {
    app.quit()
  })
  void app.whenReady().then(createKioskWindow)
}

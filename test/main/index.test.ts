import { afterEach, describe, expect, it, vi } from 'vitest'
import * as electron from '../fakes/electron.ts'

vi.mock('electron', () => import('../fakes/electron.ts'))

describe('main/index', () => {
  afterEach(() => {
    electron.BrowserWindow.created.length = 0
  })

  it('opens one kiosk window built from kioskWindowOptions, with no menu', async () => {
    process.env.KIOSK_SERVICE_URL = 'http://127.0.0.1:4700/'
    await import('../../main/index.ts')
    electron.app.fakeReady()
    await vi.waitFor(() => {
      expect(electron.BrowserWindow.created).toHaveLength(1)
    })
    const window = electron.BrowserWindow.created[0]
    expect(electron.Menu.applicationMenu).toBeNull()
    expect(window?.options).toMatchObject({
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
    })
    await vi.waitFor(() => {
      expect(window?.webContents.getURL()).toBe('http://127.0.0.1:4700/')
    })
  })
})

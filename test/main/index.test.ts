import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import * as electron from '../fakes/electron.ts'

vi.mock('electron', () => import('../fakes/electron.ts'))

describe('main/index', () => {
  it('registers app:// as privileged before ready, then starts the kiosk', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kiosk-index-'))
    electron.app.setPath('appData', join(home, 'appData'))
    process.env.KIOSK_CONFIG = join(home, 'kiosk.json')
    await import('../../main/index.ts')
    expect(electron.protocol.privilegedSchemes).toEqual([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
      },
    ])
    expect(electron.BrowserWindow.created).toHaveLength(0)

    electron.app.fakeReady()
    await vi.waitFor(() => {
      expect(electron.BrowserWindow.created[0]?.webContents.getURL()).toBe(
        'app://kiosk/_status/not-configured',
      )
    })
    const window = electron.BrowserWindow.created[0]
    expect(window?.options).toMatchObject({
      webPreferences: { preload: expect.stringMatching(/preload[/\\]index\.cjs$/) as unknown },
    })
    expect(electron.protocol.isProtocolHandled('app')).toBe(true)
    expect(electron.app.getPath('userData')).toBe(join(home, 'appData', 'Library Payments Kiosk'))
    expect(existsSync(join(home, 'appData', 'Library Payments Kiosk', 'logs', 'main.log'))).toBe(
      true,
    )
    delete process.env.KIOSK_CONFIG
  })
})

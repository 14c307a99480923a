import { describe, expect, it, vi } from 'vitest'
import * as electron from '../fakes/electron.ts'

vi.mock('electron', () => import('../fakes/electron.ts'))

describe('main/index', () => {
  it('quits at once when another kiosk instance already runs', async () => {
    electron.app.singleInstance = false
    await import('../../main/index.ts')
    electron.app.fakeReady()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(electron.app.quitCalls).toHaveLength(1)
    expect(electron.BrowserWindow.created).toHaveLength(0)
  })
})

import { describe, expect, it } from 'vitest'
import {
  checkoutPartition,
  checkoutViewOptions,
  kioskWindowOptions,
} from '../../main/windowOptions.ts'

describe('main/windowOptions', () => {
  it('locks down the renderer in production', () => {
    const options = kioskWindowOptions({ production: true, preloadPath: '/app/preload/index.cjs' })
    // Kiosk mode comes after the first paint (revealKioskWindow), never at creation.
    expect(options).toMatchObject({ show: false })
    expect(options.kiosk).toBeUndefined()
    expect(options.fullscreen).toBeUndefined()
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: false,
    })
  })

  it('allows devtools only outside production, with the same isolation', () => {
    const options = kioskWindowOptions({ production: false, preloadPath: 'p.cjs' })
    expect(options.show).toBe(false)
    expect(options.webPreferences).toMatchObject({
      devTools: true,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    })
  })
})

describe('main/windowOptions checkout view', () => {
  it('gives the CashNet page an in-memory, sandboxed session and no preload', () => {
    const options = checkoutViewOptions({ production: true })
    expect(options.webPreferences).toEqual({
      partition: checkoutPartition,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: false,
    })
    expect(checkoutPartition).not.toMatch(/^persist:/)
    expect(checkoutPartition).not.toBe('')
  })
})

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import * as electron from '../fakes/electron.ts'

vi.mock('electron', () => import('../fakes/electron.ts'))

describe('main/index', () => {
  it('--protect-key writes the protected key and exits without starting the kiosk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-protect-'))
    const keyFile = join(dir, 'key.txt')
    writeFileSync(keyFile, 'kiosk-key-0123456789abcdef')
    const argv = process.argv
    process.argv = ['kiosk', `--protect-key=${keyFile}`]
    try {
      await import('../../main/index.ts')
    } finally {
      process.argv = argv
    }
    electron.app.fakeReady()
    await vi.waitFor(() => {
      expect(electron.app.exitCalls).toEqual([0])
    })
    const protectedKey = Buffer.from(
      readFileSync(`${keyFile}.protected.txt`, 'utf8').trim(),
      'base64',
    )
    expect(electron.safeStorage.decryptString(protectedKey)).toBe('kiosk-key-0123456789abcdef')
    expect(electron.BrowserWindow.created).toHaveLength(0)
  })
})

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  initialRuntimeState,
  memoryRuntimeState,
  openRuntimeState,
} from '../../main/runtimeState.ts'

vi.mock('electron', () => import('../fakes/electron.ts'))

describe('main/runtimeState', () => {
  it('keeps runtime state in an electron-store file across openings', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kiosk-state-'))
    const store = openRuntimeState({ cwd })
    expect(store.read()).toEqual(initialRuntimeState)
    store.write({ relaunchCount: 3, lastRelaunchAt: 1_700_000_000_000 })
    expect(openRuntimeState({ cwd }).read()).toEqual({
      relaunchCount: 3,
      lastRelaunchAt: 1_700_000_000_000,
    })
    expect(JSON.parse(readFileSync(join(cwd, 'runtime-state.json'), 'utf8'))).toEqual({
      runtime: { relaunchCount: 3, lastRelaunchAt: 1_700_000_000_000 },
    })
  })

  it('starts afresh from a corrupt or tampered file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kiosk-state-'))
    writeFileSync(join(cwd, 'runtime-state.json'), '{"runtime":{"relaunchCount":"many"}}')
    expect(openRuntimeState({ cwd }).read()).toEqual(initialRuntimeState)
    writeFileSync(join(cwd, 'runtime-state.json'), '{ not json')
    expect(openRuntimeState({ cwd }).read()).toEqual(initialRuntimeState)
  })

  it('refuses to store invalid state', () => {
    const memory = memoryRuntimeState()
    expect(() => {
      memory.write({ relaunchCount: -1, lastRelaunchAt: null })
    }).toThrow()
    memory.write({ relaunchCount: 1, lastRelaunchAt: 5 })
    expect(memory.read()).toEqual({ relaunchCount: 1, lastRelaunchAt: 5 })
  })
})

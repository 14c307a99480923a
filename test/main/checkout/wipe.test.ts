import { describe, expect, it } from 'vitest'
import { wipeSession } from '../../../main/checkout/wipe.ts'
import { FakeSession } from '../../fakes/electron.ts'

describe('main/checkout/wipe', () => {
  it('clears all data, the HTTP cache and the auth cache, in that order', async () => {
    const session = new FakeSession('checkout')
    expect(await wipeSession(session)).toEqual({ failed: [] })
    expect(session.calls).toEqual(['clearData', 'clearCache', 'clearAuthCache'])
  })

  it('keeps going when a step fails and reports it', async () => {
    const session = new FakeSession('checkout')
    session.failNext.add('clearData')
    expect(await wipeSession(session)).toEqual({ failed: ['clearData'] })
    expect(session.calls).toEqual(['clearData', 'clearCache', 'clearAuthCache'])
  })
})

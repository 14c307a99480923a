import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  startSandboxCashnet,
  type SandboxCashnet,
} from '../../../../server/sandbox/cashnet/index.ts'
import { openPage, startReceiver, submit } from './support.ts'

describe('server/sandbox/cashnet postback holds and reset', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let cashnet: SandboxCashnet

  beforeEach(async () => {
    receiver = await startReceiver()
    cashnet = await startSandboxCashnet({ postbackUrl: receiver.url })
  })
  afterEach(async () => {
    await cashnet.close()
    await receiver.close()
  })

  async function payOnPage() {
    const { action } = await openPage(cashnet)
    return submit(action, { action: 'pay', card: '4111111111111111' })
  }

  it('holds the postback while the browser goes back, and sends it on release', async () => {
    const gate = cashnet.holdPostbacks()
    const paid = await payOnPage()
    expect(paid.status).toBe(302)
    await gate.arrived()
    expect(gate.held()).toBe(1)
    // Held postbacks are not "sent so far": settled() does not wait for them.
    await cashnet.settled()
    expect(receiver.received).toEqual([])
    expect(cashnet.transactions()[0]?.postbacks).toEqual([])

    await gate.release()
    // release() resolves once the service has answered the postback.
    expect(receiver.received.map((fields) => fields.get('tx'))).toEqual([
      cashnet.transactions()[0]?.tx,
    ])
    expect(cashnet.transactions()[0]?.postbacks).toMatchObject([{ status: 200, error: null }])
    // The hold has ended: the next payment's postback goes straight out.
    await payOnPage()
    expect(receiver.received).toHaveLength(2)
  })

  it('holds delayed postbacks when they fall due, and sends duplicates on release', async () => {
    cashnet.setOptions({ postbackDelayMs: 30, duplicatePostbacks: 1 })
    const gate = cashnet.holdPostbacks()
    await payOnPage()
    await payOnPage()
    await gate.arrived(2)
    expect(receiver.received).toEqual([])
    await gate.release()
    expect(receiver.received).toHaveLength(4)
    expect(cashnet.transactions().map((t) => t.postbacks.map((p) => p.status))).toEqual([
      [200, 200],
      [200, 200],
    ])
  })

  it('allows one hold at a time', async () => {
    const gate = cashnet.holdPostbacks()
    expect(() => cashnet.holdPostbacks()).toThrow(/already held/)
    await gate.release()
    expect(() => cashnet.holdPostbacks()).not.toThrow()
  })

  it('reset drops held and delayed postbacks unsent, ends the hold, restores the options', async () => {
    const gate = cashnet.holdPostbacks()
    await payOnPage()
    await gate.arrived()
    cashnet.setOptions({ postbackDelayMs: 60_000, returnMethod: 'POST' })
    expect((await payOnPage()).status).toBe(200)
    const waitingForMore = gate.arrived(2)
    cashnet.reset()
    await expect(waitingForMore).rejects.toMatchObject({ kind: 'gate_ended' })
    await cashnet.settled()
    expect(receiver.received).toEqual([])
    for (const transaction of cashnet.transactions()) {
      expect(transaction.postbacks).toMatchObject([{ status: null, error: /^dropped/ }])
    }
    // Back to the options given at start: GET return, no delay, no hold.
    expect((await payOnPage()).status).toBe(302)
    expect(receiver.received).toHaveLength(1)
  })
})

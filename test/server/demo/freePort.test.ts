/**
 * A port picked free can be taken before the one who picked it listens: `onFreeLoopbackPort` then
 * starts again on another, a bounded number of times, and lets every other error through.
 */
import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { onFreeLoopbackPort } from '../../../server/demo/freePort.ts'

const servers: Server[] = []

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  )
})

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      servers.push(server)
      resolve(server)
    })
  })
}

describe('server/demo/freePort', () => {
  it('starts again on another port when the one picked was taken before it listened', async () => {
    const tried: number[] = []
    const server = await onFreeLoopbackPort(async (port) => {
      tried.push(port)
      // Somebody else binds the port first, as another test process may.
      if (tried.length === 1) await listen(port)
      return listen(port)
    })
    expect(tried).toHaveLength(2)
    expect(tried[1]).not.toBe(tried[0])
    expect(server.address()).toMatchObject({ address: '127.0.0.1', port: tried[1] })
  })

  it('gives up after the attempts it was given, with the address-in-use error', async () => {
    let calls = 0
    const taken = onFreeLoopbackPort(async (port) => {
      calls++
      await listen(port)
      return listen(port)
    }, 3)
    await expect(taken).rejects.toMatchObject({ code: 'EADDRINUSE' })
    expect(calls).toBe(3)
  })

  it('does not start again for any other error', async () => {
    let calls = 0
    const failed = onFreeLoopbackPort(() => {
      calls++
      return Promise.reject(new Error('the configuration is wrong'))
    })
    await expect(failed).rejects.toThrow('the configuration is wrong')
    expect(calls).toBe(1)
  })
})

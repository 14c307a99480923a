import { createServer } from 'node:net'

/** Asks the OS for a free loopback port (the demo must know its own URL before it starts). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('no port assigned'))
      })
    })
  })
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE'
}

/**
 * Starts something that must know its port before it listens (its URL goes into its own settings
 * and a sandbox's) on a free loopback port, and on another should that one be taken meanwhile:
 * between `freeLoopbackPort` closing its probe and `start` listening, any process on the machine
 * may bind the port. `start` must release what it opened before it throws. Any other error, or the
 * last attempt's, goes to the caller.
 */
export async function onFreeLoopbackPort<T>(
  start: (port: number) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort()
    try {
      return await start(port)
    } catch (error) {
      if (attempt >= attempts || !isAddressInUse(error)) throw error
    }
  }
}

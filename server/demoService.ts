import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildApp } from './app.ts'

export interface DemoService {
  url: string
  close(): Promise<void>
}

export const builtRendererDir = fileURLToPath(new URL('../out/renderer', import.meta.url))

/** The service with the sandbox on loopback, serving the built renderer: the demo and e2e target. */
export async function startDemoService(options: {
  port: number
  quiet: boolean
}): Promise<DemoService> {
  if (!existsSync(`${builtRendererDir}/index.html`)) {
    throw new Error('The renderer is not built yet: run `npm run build:renderer` first.')
  }
  const app = await buildApp({ rendererDir: builtRendererDir, logger: !options.quiet })
  const url = await app.listen({ port: options.port, host: '127.0.0.1' })
  return {
    url,
    close: async () => {
      await app.close()
    },
  }
}

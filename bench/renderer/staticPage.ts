/**
 * The paint baseline: a small static page (heading, paragraph, stylesheet) served by the same kind
 * of server as the kiosk's renderer (Fastify with @fastify/static, see server/assemble.ts) on
 * loopback. Its first contentful paint is what a browser on this machine needs for a page that
 * runs no script: the attract screen's paint is reported as a multiple of it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import Fastify from 'fastify'

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Library payments</title>
    <link rel="stylesheet" href="./styles.css" />
  </head>
  <body>
    <main>
      <h1>Swipe or tap your campus ID</h1>
      <p>Pay library fines and fees with a card.</p>
    </main>
  </body>
</html>
`

const styles = `body { margin: 0; font: 1.25rem/1.5 system-ui, sans-serif; background: #f6f7f9; }
main { display: grid; place-items: center; min-height: 100vh; }
h1 { font-size: 2.5rem; margin: 0; }
`

export interface StaticPageServer {
  url: string
  close(): Promise<void>
}

export async function startStaticPageServer(): Promise<StaticPageServer> {
  const root = mkdtempSync(join(tmpdir(), 'kiosk-bench-static-'))
  writeFileSync(join(root, 'index.html'), page)
  writeFileSync(join(root, 'styles.css'), styles)
  const app = Fastify({ logger: false })
  await app.register(fastifyStatic, { root, index: 'index.html' })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    url: `${url}/`,
    async close() {
      await app.close()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

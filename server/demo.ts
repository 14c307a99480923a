/**
 * `npm run demo`: the browser preview. The service on loopback serves the built renderer and the API
 * on one origin, with the sandbox Alma and CashNet behind it.
 * Usage: node server/demo.ts [--port N] [--quiet]
 */
import { parseArgs } from 'node:util'
import { startDemoService } from './demoService.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4700' },
    quiet: { type: 'boolean', default: false },
  },
})

try {
  const service = await startDemoService({ port: Number(values.port), quiet: values.quiet })
  console.log(`\nKiosk demo running. Open ${service.url}/ in a browser (Ctrl+C to stop).\n`)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void service.close().then(() => process.exit(0))
    })
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}

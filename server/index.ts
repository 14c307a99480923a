/**
 * `npm run server`: the companion service, configured from the environment alone
 * (see docs/configuration.md). With SANDBOX=true it runs against the in-process sandbox instead.
 */
import { ConfigError, loadConfig } from './config/load.ts'
import { loggerOptions } from './ops/logger.ts'
import { assembleService } from './assemble.ts'

async function main(): Promise<() => Promise<void>> {
  if (/^(true|1|yes)$/i.test(process.env.SANDBOX ?? '')) {
    if (process.env.NODE_ENV === 'production') {
      throw new ConfigError(['SANDBOX: must be off in production'])
    }
    const { startDemoService } = await import('./demoService.ts')
    const demo = await startDemoService({
      port: Number(process.env.PORT ?? 8080),
      quiet: false,
      serveRenderer: false,
    })
    console.log(`Sandbox service listening at ${demo.url} (kiosk "${demo.kioskId}")`)
    return () => demo.close()
  }
  const config = loadConfig()
  const service = await assembleService(config, { logger: loggerOptions(config.logLevel) })
  await service.listen()
  return () => service.close()
}

try {
  const close = await main()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void close().then(() => process.exit(0))
    })
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}

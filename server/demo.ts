/**
 * `npm run demo`: the browser preview. The service on loopback serves the built renderer, the staff
 * console (`/staff`, with demo accounts and payments) and the API on one origin, with the sandbox
 * Alma, CashNet and Primo behind it.
 * Usage: node server/demo.ts [--port N] [--quiet] [--institution 01CALS_DSU]
 */
import { parseArgs } from 'node:util'
import { staffPathPrefix } from '../common/staffApi.ts'
import { demoStaffAccounts, demoStaffPassword } from './demo/staffSeed.ts'
import { startDemoService } from './demoService.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4700' },
    quiet: { type: 'boolean', default: false },
    institution: { type: 'string' },
  },
})

try {
  const service = await startDemoService({
    port: Number(values.port),
    quiet: values.quiet,
    seedStaff: true,
    ...(values.institution ? { institution: values.institution } : {}),
  })
  const campuses = service.institutions.map((campus) => `${campus.code} (${campus.name})`)
  console.log(`\nKiosk demo running. Open ${service.url}/ in a browser (Ctrl+C to stop).`)
  console.log(`Campuses served: ${campuses.join(', ')}; the browser shows ${service.shown.code}`)
  console.log('(start with --institution <code> to show the other).')
  console.log(`Primo sandbox ("Pay fines" links for the seed patrons): ${service.primo.url}`)
  console.log(
    `\nStaff console: ${service.url}${staffPathPrefix}/ (demo accounts of ${service.shown.code},`,
  )
  console.log(`password "${demoStaffPassword}"):`)
  for (const account of demoStaffAccounts) console.log(`  ${account.username} (${account.role})`)
  console.log('')
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void service.close().then(() => process.exit(0))
    })
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}

/**
 * `npm run bench`: every benchmark, results written to bench/results/ (one JSON file per area plus
 * a summary). Targets are reported, not asserted: a busy machine should not fail the build.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { benchLookupLatency } from './service/lookupLatency.ts'
import { benchPayAllToPosted } from './service/payAllToPosted.ts'
import { benchPostbackIngest } from './service/postbackIngest.ts'
import { benchStatusNotify } from './service/statusNotify.ts'
import { benchStorageEngines } from './service/storageEngines.ts'

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url))
mkdirSync(resultsDir, { recursive: true })

const machine = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  at: new Date().toISOString(),
}

function write(name: string, result: unknown) {
  writeFileSync(
    `${resultsDir}${name}.json`,
    `${JSON.stringify({ machine, ...(result as object) }, null, 2)}\n`,
  )
  console.log(`${name}:`, JSON.stringify(result, null, 2))
}

const only = process.argv[2]

if (!only || only === 'service') {
  write('service', {
    cardToFees: await benchLookupLatency(),
    payAllToPosted: await benchPayAllToPosted(),
    postbackIngestion: await benchPostbackIngest(),
    statusNotification: await benchStatusNotify(),
  })
}

if (!only || only === 'storage') {
  write('storage', await benchStorageEngines())
}

if (!only || only === 'renderer') {
  const { benchRenderer } = (await import('./renderer/run.ts')) as {
    benchRenderer: () => Promise<unknown>
  }
  write('renderer', await benchRenderer())
}

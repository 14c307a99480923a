/**
 * `npm run node-floor`: proves package.json's `engines.node` floor is true. Fetches that exact Node
 * build from the npm registry into `.tools/` (kept for the next run), then under it:
 *  1. starts the service with `node server/index.ts` (type stripping, no flags) and takes one
 *     payment through the sandbox (smoke.ts);
 *  2. runs the SQLite store tests with Vitest, which roll failed transactions back through
 *     `DatabaseSync#isTransaction` and open databases with the `timeout` option.
 * Prints how long each step took; CI (`.ci/run`) runs it before `npm test`.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fetchNode } from './fetchNode.ts'
import { readNodeFloor } from './floor.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

function timed<T>(work: () => T): { value: T; seconds: string } {
  const started = performance.now()
  const value = work()
  return { value, seconds: ((performance.now() - started) / 1000).toFixed(1) }
}

function runUnder(node: string, args: string[], label: string): void {
  const result = spawnSync(node, args, {
    cwd: root,
    stdio: 'inherit',
    timeout: 180_000,
  })
  if (result.status !== 0) {
    throw new Error(`${label} failed under the floor Node (${result.status ?? result.signal})`)
  }
}

const floor = readNodeFloor(root)
try {
  const total = timed(() => {
    const fetched = timed(() => fetchNode(floor, join(root, '.tools')))
    const { path, fetched: downloaded } = fetched.value
    console.log(
      `node-floor: Node ${floor} ${downloaded ? 'fetched from the npm registry' : 'already in .tools/'} (${fetched.seconds} s)`,
    )
    const smoke = timed(() => {
      runUnder(path, ['scripts/node-floor/smoke.ts', floor], 'the service smoke test')
    })
    console.log(`node-floor: service smoke test passed (${smoke.seconds} s)`)
    const store = timed(() => {
      runUnder(
        path,
        ['node_modules/vitest/vitest.mjs', 'run', '--project', 'node', 'test/server/store/'],
        'the store tests',
      )
    })
    console.log(`node-floor: store tests passed (${store.seconds} s)`)
  })
  console.log(`node-floor: Node ${floor} (package.json engines.node) holds (${total.seconds} s)`)
} catch (error) {
  console.error(`node-floor: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}

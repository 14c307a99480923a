/**
 * The oldest Node the project runs on. Its one definition is `engines.node` in package.json, written
 * `>=X.Y.Z`; `.ci/run`'s `node_ok` and the floor check (`npm run node-floor`) both read it there.
 *
 * Why 22.18.0 today: the service runs `.ts` files with type stripping and no flag (22.18.0 /
 * 23.6.0), and its store uses `DatabaseSync#isTransaction` and the `timeout` option (22.16.0 /
 * 24.0.0); `module.registerHooks` (22.15.0) is older.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const floorPattern = /^>=(\d+\.\d+\.\d+)$/u

export class NodeFloorError extends Error {
  readonly kind = 'invalid_engines'
  constructor(message: string) {
    super(message)
    this.name = 'NodeFloorError'
  }
}

/** The `X.Y.Z` in `engines.node: ">=X.Y.Z"`; any other form has no single floor to test. */
export function nodeFloor(packageJson: unknown): string {
  const engines = (packageJson as { engines?: { node?: unknown } } | null)?.engines?.node
  const match = typeof engines === 'string' ? floorPattern.exec(engines) : null
  if (!match?.[1]) {
    throw new NodeFloorError(
      `package.json engines.node must read ">=X.Y.Z" (one tested floor), not ${JSON.stringify(engines)}`,
    )
  }
  return match[1]
}

export function readNodeFloor(root: string): string {
  return nodeFloor(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as unknown)
}

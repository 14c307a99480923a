import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { nodeFloor, NodeFloorError, readNodeFloor } from '../../scripts/node-floor/floor.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const read = (path: string) => readFileSync(join(root, path), 'utf8')

/** Runs `.ci/run`'s own `node_ok` with Node reporting `version`; true when it accepts it. */
function ciAccepts(version: string): boolean {
  const source = /^node_ok\(\) \{\n[\s\S]*?\n\}$/mu.exec(read('.ci/run'))?.[0]
  if (!source) throw new Error('.ci/run has no node_ok function')
  const shim = join(mkdtempSync(join(tmpdir(), 'node-ok-')), 'version.cjs')
  writeFileSync(
    shim,
    `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(version)} })\n`,
  )
  const result = spawnSync('bash', ['-c', `${source}\nnode_ok`], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
      NODE_OPTIONS: `--require ${shim}`,
    },
  })
  if (result.status !== 0 && result.status !== 1) throw new Error(result.stderr)
  return result.status === 0
}

/** Versions around `floor`: the same, one step above and one step below in each part. */
function around(floor: string): { above: string[]; below: string[] } {
  const [major = 0, minor = 0, patch = 0] = floor.split('.').map(Number)
  return {
    above: [floor, `${major}.${minor}.${patch + 1}`, `${major}.${minor + 1}.0`, `${major + 1}.0.0`],
    below: [
      ...(patch > 0 ? [`${major}.${minor}.${patch - 1}`] : []),
      ...(minor > 0 ? [`${major}.${minor - 1}.99`] : []),
      `${major - 1}.99.99`,
    ],
  }
}

describe('scripts/node-floor (engines.node is the one Node floor)', () => {
  const floor = readNodeFloor(root)

  it('reads the floor from engines.node, which must be one ">=X.Y.Z"', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines
    expect(engines.node).toBe(`>=${floor}`)
    expect(nodeFloor({ engines: { node: '>=22.18.0' } })).toBe('22.18.0')
    for (const node of ['^22.18.0', '>=22', '>=22.18.0 <25', '22.18.0', undefined]) {
      expect(() => nodeFloor({ engines: { node } })).toThrow(NodeFloorError)
    }
    expect(() => nodeFloor(null)).toThrow(NodeFloorError)
  })

  it('has .ci/run accept exactly the Nodes at or above the floor', () => {
    const { above, below } = around(floor)
    expect(above.map(ciAccepts)).toEqual(above.map(() => true))
    expect(below.map(ciAccepts)).toEqual(below.map(() => false))
  })

  it('keeps the recommended Node (.nvmrc) and the README at or above the same floor', () => {
    // .nvmrc names a major version (24): a later major than the floor's.
    expect(Number(read('.nvmrc').trim())).toBeGreaterThan(Number(floor.split('.')[0]))
    expect(read('README.md')).toContain(`at least ${floor}, the \`engines\` floor`)
    expect(read('.ci/run')).toContain('npm run --silent node-floor')
  })
})

/**
 * Fetches one exact Node build from the npm registry (the `node-<platform>-<arch>` packages that the
 * `node` package installs from) into `.tools/node-<version>/`, keeping only the binary. The registry
 * is the one source CI can reach; `.ci/run` bootstraps Node 24 the same way.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 })
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`,
    )
  }
  return result.stdout.trim()
}

function packageName(): string {
  if (process.platform !== 'linux' && process.platform !== 'darwin') {
    throw new Error(`No Node floor check on ${process.platform}: it runs on Linux and macOS.`)
  }
  return `node-${process.platform}-${process.arch}`
}

/** The path of the `node` binary of exactly `version`, downloading it unless already there. */
export function fetchNode(version: string, toolsDir: string): { path: string; fetched: boolean } {
  const binary = join(toolsDir, `node-${version}`, 'bin', 'node')
  if (existsSync(binary) && run(binary, ['--version'], toolsDir) === `v${version}`) {
    return { path: binary, fetched: false }
  }
  const work = mkdtempSync(join(tmpdir(), 'node-floor-'))
  try {
    run('npm', ['pack', '--silent', `${packageName()}@${version}`], work)
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))
    if (!tarball) throw new Error(`npm pack left no tarball for Node ${version}`)
    const target = join(toolsDir, `node-${version}`)
    rmSync(target, { recursive: true, force: true })
    mkdirSync(target, { recursive: true })
    run(
      'tar',
      ['-xzf', join(work, tarball), '-C', target, '--strip-components=1', 'package/bin/node'],
      work,
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  const reported = run(binary, ['--version'], toolsDir)
  if (reported !== `v${version}`)
    throw new Error(`Fetched Node reports ${reported}, not v${version}`)
  return { path: binary, fetched: true }
}

/**
 * The GitHub Actions workflows cannot run here (they need downloads this machine cannot make), so
 * `npm test` checks them: each against GitHub's workflow schema with action-validator (the
 * registry's CLI, which bundles the schema and works offline), and against this repository (the
 * npm scripts, files and folders they name exist). A broken workflow fails here, not after a push.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { z } from 'zod'

const root = fileURLToPath(new URL('../..', import.meta.url))
const workflowsDir = join(root, '.github/workflows')
const validatorCli = createRequire(import.meta.url).resolve('@action-validator/cli/cli.mjs')
const workflows = readdirSync(workflowsDir).filter((file) => /\.ya?ml$/u.test(file))

/** Runs the validator's CLI on one file: exit code and what it printed about the errors. */
function validate(file: string): { status: number | null; errors: string } {
  const run = spawnSync(process.execPath, [validatorCli, file], { encoding: 'utf8' })
  return { status: run.status, errors: `${run.stdout}${run.stderr}` }
}

const workflowShape = z.object({
  jobs: z.record(
    z.string(),
    z.object({
      steps: z.array(
        z.object({
          run: z.string().optional(),
          with: z.record(z.string(), z.unknown()).optional(),
        }),
      ),
    }),
  ),
})

const scripts = z
  .object({ scripts: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).scripts

describe('.github/workflows', () => {
  it('has the Electron workflow', () => {
    expect(workflows).toContain('electron.yml')
  })

  it.each(workflows)('%s passes GitHub’s workflow schema', (file) => {
    const result = validate(join(workflowsDir, file))
    expect(result.errors).toBe('')
    expect(result.status).toBe(0)
  })

  it.each(workflows)('%s names only npm scripts and paths that exist', (file) => {
    const workflow = workflowShape.parse(parse(readFileSync(join(workflowsDir, file), 'utf8')))
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
    const commands = steps.flatMap((step) => (step.run ? [step.run] : []))
    for (const [, script] of commands.flatMap((run) => [...run.matchAll(/npm run ([\w:-]+)/gu)])) {
      expect(Object.keys(scripts), `npm run ${script}`).toContain(script)
    }
    const paths = commands.flatMap((run) => [...run.matchAll(/\btest\/[\w./-]+/gu)].map(String))
    for (const path of paths) expect(existsSync(join(root, path)), path).toBe(true)
    for (const step of steps) {
      const versionFile = step.with?.['node-version-file']
      if (typeof versionFile === 'string') expect(existsSync(join(root, versionFile))).toBe(true)
    }
  })

  it('rejects a broken workflow: a misspelt key, a wrong type, a missing runner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-workflow-'))
    try {
      const broken = join(dir, 'broken.yml')
      writeFileSync(
        broken,
        [
          'name: Broken',
          'on: [push]',
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    step:',
          '      - run: npm ci',
          '  test:',
          '    timeout-minutes: soon',
          '    steps:',
          '      - run: npm test',
          '',
        ].join('\n'),
      )
      const result = validate(broken)
      expect(result.status).not.toBe(0)
      expect(result.errors).toContain("Additional property 'step' is not allowed")
      expect(result.errors).toContain('/jobs/test')

      // The real workflow with one line damaged fails too.
      const damaged = join(dir, 'electron.yml')
      const original = readFileSync(join(workflowsDir, 'electron.yml'), 'utf8')
      writeFileSync(damaged, original.replace('runs-on:', 'run-on:'))
      expect(validate(damaged).status).not.toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

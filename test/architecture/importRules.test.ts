/**
 * The folder boundaries of docs/architecture.md are ESLint rules; this checks that the rules still
 * catch what they are for, so a config edit cannot quietly switch one off.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// Only the import rule, and without type information: the files linted here exist only as text.
const eslint = new ESLint({
  cwd: process.cwd(),
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
})

async function restrictedImports(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path })
  const fatal = result?.messages.find((message) => message.fatal)
  if (fatal) throw new Error(fatal.message)
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message)
}

// Loading ESLint and its plugins takes seconds on a busy machine; the rules themselves are quick.
describe('architecture import rules', { timeout: 120_000 }, () => {
  it.each([
    ['server/payments/example.ts', "import fastify from 'fastify'\nexport const x = fastify\n"],
    [
      'server/store/example.ts',
      "import { sendApiError } from '../http/apiErrors.ts'\nexport const x = sendApiError\n",
    ],
    ['server/alma/example.ts', "import cookie from '@fastify/cookie'\nexport const x = cookie\n"],
    [
      'renderer/src/example.ts',
      "import { readFileSync } from 'node:fs'\nexport const x = readFileSync\n",
    ],
    ['common/example.ts', "import { join } from 'node:path'\nexport const x = join\n"],
    ['server/example.ts', "import { app } from 'electron'\nexport const x = app\n"],
  ])('refuses the import in %s', async (path, source) => {
    expect(await restrictedImports(path, source)).toHaveLength(1)
  })

  it.each([
    ['server/http/example.ts', "import fastify from 'fastify'\nexport const x = fastify\n"],
    ['main/example.ts', "import { app } from 'electron'\nexport const x = app\n"],
  ])('allows the import in %s', async (path, source) => {
    expect(await restrictedImports(path, source)).toEqual([])
  })
})

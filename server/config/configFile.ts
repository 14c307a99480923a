/**
 * Reads `CONFIG_FILE`: JSON or YAML. Secrets need not live in it: any string value written
 * `env:NAME` is replaced by that environment variable, and a missing one is an error naming where
 * it was asked for. The file may also be the older flat form, `{"KEY": "value"}` mirroring the
 * environment variables, for a single campus.
 */
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'

export type ConfigFile =
  | { form: 'flat'; values: Record<string, string> }
  | { form: 'structured'; document: Record<string, unknown> }

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError'
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(problems.join('; '))
    this.problems = problems
  }
}

const envReference = /^env:([A-Za-z_][A-Za-z0-9_]*)$/

/** Replaces `env:NAME` strings anywhere in the document; collects every missing variable. */
function resolveReferences(
  value: unknown,
  environment: NodeJS.ProcessEnv,
  path: string,
  missing: string[],
): unknown {
  if (typeof value === 'string') {
    const match = envReference.exec(value.trim())
    if (!match?.[1]) return value
    const resolved = environment[match[1]]
    if (resolved === undefined || resolved === '') {
      missing.push(`${path}: refers to the environment variable ${match[1]}, which is not set`)
      return value
    }
    return resolved
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      resolveReferences(item, environment, `${path}[${index}]`, missing),
    )
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolveReferences(item, environment, path ? `${path}.${key}` : key, missing),
      ]),
    )
  }
  return value
}

function parseText(path: string, text: string): unknown {
  const extension = extname(path).toLowerCase()
  if (extension === '.yaml' || extension === '.yml') return parseYaml(text)
  if (extension === '.json') return JSON.parse(text)
  // Unknown extension: JSON is YAML too, so YAML reads both.
  return parseYaml(text)
}

const flatSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))

export function readConfigFile(path: string, environment: NodeJS.ProcessEnv): ConfigFile {
  let parsed: unknown
  try {
    parsed = parseText(path, readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ConfigFileError([`CONFIG_FILE: cannot read ${path}: ${(error as Error).message}`])
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigFileError([`CONFIG_FILE: ${path} must hold an object`])
  }
  if (!('institutions' in parsed)) {
    const flat = flatSchema.safeParse(parsed)
    if (!flat.success) {
      throw new ConfigFileError([
        `CONFIG_FILE: ${path} must list institutions, or be an object of KEY: value`,
      ])
    }
    const missing: string[] = []
    const values = Object.fromEntries(
      Object.entries(flat.data).map(([key, value]) => [
        key,
        String(resolveReferences(String(value), environment, key, missing)),
      ]),
    )
    if (missing.length > 0) throw new ConfigFileError(missing)
    return { form: 'flat', values }
  }
  const missing: string[] = []
  const document = resolveReferences(parsed, environment, '', missing) as Record<string, unknown>
  if (missing.length > 0) throw new ConfigFileError(missing)
  return { form: 'structured', document }
}

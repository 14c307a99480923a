import { ConfigError, loadConfig } from '../../../server/config/load.ts'

/** The problems a configuration is refused for; none when it loads. */
export function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

/**
 * Each institution's kiosk logo, served through the kiosk API so it reaches the kiosk through main's
 * `app://kiosk` proxy under `img-src 'self'`. A file is read and checked at start (a bad one stops
 * the service with an error naming the institution and key). A URL is fetched by the service with a
 * timeout on first use and cached; a failure is logged and retried after `retryAfterMs`, so a logo
 * host that is down never stops payments.
 */
import { createHash } from 'node:crypto'
import { ConfigError } from '../config/load.ts'
import type { LogoSource } from '../config/types.ts'
import { checkLogo, maxLogoBytes, type LogoImage } from './logoImage.ts'

export interface ServedLogo extends LogoImage {
  /** A strong validator of the bytes, for `If-None-Match`. */
  etag: string
}

export interface LogoStoreDeps {
  institutions: readonly { code: string; logo: LogoSource | null }[]
  readFile: (path: string) => Promise<Buffer>
  fetch: typeof fetch
  timeoutMs: number
  retryAfterMs: number
  now: () => number
  logger: { error(details: object, message: string): void }
}

export interface LogoStore {
  /** Reads and checks every file logo; throws `ConfigError` listing each bad one. */
  loadFiles(): Promise<void>
  /** The institution's logo; null when it has none or its URL cannot be used right now. */
  get(institution: string): Promise<ServedLogo | null>
}

class LogoError extends Error {
  override readonly name = 'LogoError'
  readonly kind = 'logo_unusable'
}

function served(image: LogoImage): ServedLogo {
  const digest = createHash('sha256').update(image.bytes).digest('base64url').slice(0, 27)
  return { ...image, etag: `"${digest}"` }
}

function checked(bytes: Buffer): ServedLogo {
  const result = checkLogo(bytes)
  if ('problem' in result) throw new LogoError(result.problem)
  return served(result)
}

/** The body, refused as soon as it passes the size limit (a huge or endless answer costs nothing). */
async function cappedBody(response: Response): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0')
  if (declared > maxLogoBytes) {
    await response.body?.cancel()
    return Buffer.alloc(maxLogoBytes + 1)
  }
  if (!response.body) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let size = 0
  // Node types the body as ReadableStream<any>; fetch yields bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    chunks.push(Buffer.from(value))
    if (size > maxLogoBytes) {
      await reader.cancel()
      break
    }
  }
  return Buffer.concat(chunks)
}

export function createLogoStore(deps: LogoStoreDeps): LogoStore {
  const sources = new Map(deps.institutions.map(({ code, logo }) => [code, logo]))
  const loaded = new Map<string, ServedLogo>()
  const inFlight = new Map<string, Promise<ServedLogo | null>>()
  const failedAt = new Map<string, number>()

  async function fetchLogo(code: string, source: LogoSource): Promise<ServedLogo | null> {
    try {
      const response = await deps.fetch(source.location, {
        signal: AbortSignal.timeout(deps.timeoutMs),
        headers: { accept: 'image/png, image/jpeg, image/webp' },
      })
      if (!response.ok) {
        await response.body?.cancel()
        throw new LogoError(`the logo URL answered HTTP ${response.status}`)
      }
      const logo = checked(await cappedBody(response))
      loaded.set(code, logo)
      failedAt.delete(code)
      return logo
    } catch (error) {
      failedAt.set(code, deps.now())
      const reason =
        error instanceof LogoError
          ? error.message
          : error instanceof Error && error.name === 'TimeoutError'
            ? `no answer within ${deps.timeoutMs} ms`
            : `the logo URL could not be fetched (${error instanceof Error ? error.message : String(error)})`
      deps.logger.error(
        { institution: code, key: source.configKey },
        `${source.configKey}: ${reason}; the kiosk shows no logo until it can be fetched`,
      )
      return null
    }
  }

  return {
    async loadFiles() {
      const problems: string[] = []
      for (const [code, source] of sources) {
        if (source?.kind !== 'file') continue
        try {
          loaded.set(code, checked(await deps.readFile(source.location)))
        } catch (error) {
          const reason =
            error instanceof LogoError
              ? error.message
              : `cannot read ${source.location} (${(error as NodeJS.ErrnoException).code ?? String(error)})`
          problems.push(`${source.configKey}: ${reason}`)
        }
      }
      if (problems.length > 0) throw new ConfigError(problems)
    },

    get(code) {
      const ready = loaded.get(code)
      if (ready) return Promise.resolve(ready)
      const source = sources.get(code)
      if (source?.kind !== 'url') return Promise.resolve(null)
      const failed = failedAt.get(code)
      if (failed !== undefined && deps.now() - failed < deps.retryAfterMs) {
        return Promise.resolve(null)
      }
      const pending = inFlight.get(code)
      if (pending) return pending
      const fetching = fetchLogo(code, source).finally(() => inFlight.delete(code))
      inFlight.set(code, fetching)
      return fetching
    },
  }
}

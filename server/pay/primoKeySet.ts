/**
 * One institution's Primo signing keys (Ex Libris's JWKS), cached. Fetched on first use, again when
 * older than `maxAgeMs`, and again on a token whose `kid` is unknown (Ex Libris rotated the key) —
 * but never more than once per `cooldownMs`, so tokens with made-up `kid`s cannot make us hammer
 * Ex Libris. When a refetch fails the keys already held keep serving.
 */
import { createLocalJWKSet } from 'jose'
import { z } from 'zod'

export type KeyResolver = ReturnType<typeof createLocalJWKSet>

export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError'
  readonly kind = 'keys_unavailable'
}

export interface KeySetOptions {
  url: string
  fetch: typeof fetch
  now: () => number
  /** Keys older than this are fetched again before use (default 1 hour). */
  maxAgeMs?: number
  /** The least time between two fetches, whatever asks for them (default 30 s). */
  cooldownMs?: number
  timeoutMs?: number
}

export interface CachedKeySet {
  /** The cached keys, fetched first when there are none or they are too old. */
  current(): Promise<KeyResolver>
  /** Fetches again if the cooldown allows; false when it did not (or could not) refresh. */
  refreshForUnknownKey(): Promise<boolean>
}

// Only the envelope is checked here: jose checks each key (and ignores ones it cannot use).
const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })).max(100) })
const maxBodyBytes = 64 * 1024

export function createCachedKeySet(options: KeySetOptions): CachedKeySet {
  const maxAgeMs = options.maxAgeMs ?? 60 * 60_000
  const cooldownMs = options.cooldownMs ?? 30_000
  const timeoutMs = options.timeoutMs ?? 5000
  let keys: { resolver: KeyResolver; fetchedAt: number } | null = null
  let lastAttemptAt = Number.NEGATIVE_INFINITY
  let inFlight: Promise<boolean> | null = null

  async function download(): Promise<KeyResolver> {
    const response = await options.fetch(options.url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!response.ok) throw new Error(`key set answered HTTP ${response.status}`)
    const text = await response.text()
    if (text.length > maxBodyBytes) throw new Error('key set too large')
    const parsed = jwksSchema.safeParse(JSON.parse(text))
    if (!parsed.success) throw new Error('key set is not a JWKS')
    return createLocalJWKSet(parsed.data)
  }

  /** One fetch at a time; concurrent callers share it. True when new keys arrived. */
  function fetchOnce(): Promise<boolean> {
    if (inFlight) return inFlight
    lastAttemptAt = options.now()
    inFlight = download()
      .then((resolver) => {
        keys = { resolver, fetchedAt: options.now() }
        return true
      })
      .catch(() => false)
      .finally(() => {
        inFlight = null
      })
    return inFlight
  }

  const coolingDown = () => options.now() - lastAttemptAt < cooldownMs

  return {
    async current() {
      const stale = !keys || options.now() - keys.fetchedAt >= maxAgeMs
      if (stale && (!coolingDown() || inFlight)) await fetchOnce()
      if (!keys) throw new KeySetUnavailableError(`Primo keys could not be fetched`)
      return keys.resolver
    },
    async refreshForUnknownKey() {
      if (inFlight) return inFlight
      if (coolingDown()) return false
      return fetchOnce()
    },
  }
}

/**
 * Per-kiosk token bucket: a kiosk may burst to its per-minute allowance, then refills evenly.
 * A misbehaving or stolen kiosk key cannot flood Alma through the service.
 */
export function createRateLimiter(options: { perMinute: number; now: () => number }) {
  const buckets = new Map<string, { tokens: number; updatedAt: number }>()
  const refillPerMs = options.perMinute / 60_000

  return {
    /** Takes one token for the kiosk; returns the ms to wait when none is left, or 0 when allowed. */
    take(kioskId: string): number {
      const now = options.now()
      const bucket = buckets.get(kioskId) ?? { tokens: options.perMinute, updatedAt: now }
      bucket.tokens = Math.min(
        options.perMinute,
        bucket.tokens + (now - bucket.updatedAt) * refillPerMs,
      )
      bucket.updatedAt = now
      buckets.set(kioskId, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return Math.ceil((1 - bucket.tokens) / refillPerMs)
    },
  }
}

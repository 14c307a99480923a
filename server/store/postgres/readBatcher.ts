/**
 * Reads of one kind asked for in the same turn of the event loop go to the database as one query
 * (`WHERE id = ANY($1)`): under load, concurrent requests that each read a row by key (a postback
 * its checkout, say) share a round trip instead of taking one each. A read still starts after
 * everything its caller awaited, so it sees what that caller wrote.
 */
interface Waiting<V> {
  resolve: (value: V | null) => void
  reject: (error: unknown) => void
}

export class ReadBatcher<K, V> {
  private readonly readMany: (keys: K[]) => Promise<Map<K, V>>
  private readonly maxBatch: number
  private pending = new Map<K, Waiting<V>[]>()
  private scheduled = false

  /** `readMany` answers the rows found, by key; a key it leaves out is answered null. */
  constructor(readMany: (keys: K[]) => Promise<Map<K, V>>, options: { maxBatch?: number } = {}) {
    this.readMany = readMany
    this.maxBatch = options.maxBatch ?? 100
  }

  load(key: K): Promise<V | null> {
    return new Promise<V | null>((resolve, reject) => {
      const waiting = this.pending.get(key)
      if (waiting) waiting.push({ resolve, reject })
      else this.pending.set(key, [{ resolve, reject }])
      if (!this.scheduled) {
        this.scheduled = true
        // After the I/O phase: every request parsed in it has asked by then.
        setImmediate(() => {
          this.flush()
        })
      }
    })
  }

  private flush(): void {
    const batch = this.pending
    this.pending = new Map()
    this.scheduled = false
    const keys = [...batch.keys()]
    for (let start = 0; start < keys.length; start += this.maxBatch) {
      const part = keys.slice(start, start + this.maxBatch)
      this.readMany(part).then(
        (found) => {
          for (const key of part) {
            for (const waiting of batch.get(key) ?? []) waiting.resolve(found.get(key) ?? null)
          }
        },
        (error: unknown) => {
          for (const key of part) for (const waiting of batch.get(key) ?? []) waiting.reject(error)
        },
      )
    }
  }
}

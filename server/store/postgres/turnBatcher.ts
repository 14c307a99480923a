/**
 * Work of one kind asked for in the same turn of the event loop goes to the database as one call:
 * under load, concurrent requests that each need a round trip (a postback reading its checkout, a
 * payment applied as seen) share one instead of taking one each. A call still starts after
 * everything its callers awaited, so it sees what they wrote.
 */
interface Waiting<O> {
  resolve: (value: O) => void
  reject: (error: unknown) => void
}

export class TurnBatcher<I, O> {
  private readonly runMany: (items: I[]) => Promise<O[]>
  private readonly maxBatch: number
  private items: I[] = []
  private waiting: Waiting<O>[] = []

  /**
   * `runMany` answers one result per item, in the items' order; should it fail, every item of
   * that call fails with its error (and only those).
   */
  constructor(runMany: (items: I[]) => Promise<O[]>, options: { maxBatch?: number } = {}) {
    this.runMany = runMany
    this.maxBatch = options.maxBatch ?? 100
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.items.push(item)
      this.waiting.push({ resolve, reject })
      if (this.items.length === 1) {
        // After the I/O phase: every request parsed in it has asked by then.
        setImmediate(() => {
          this.flush()
        })
      }
    })
  }

  private flush(): void {
    const { items, waiting } = this
    this.items = []
    this.waiting = []
    for (let start = 0; start < items.length; start += this.maxBatch) {
      const part = waiting.slice(start, start + this.maxBatch)
      const answer = (settle: (one: Waiting<O>, index: number) => void) => {
        part.forEach(settle)
      }
      this.runMany(items.slice(start, start + this.maxBatch)).then(
        (results) => {
          if (results.length !== part.length) {
            const error = new Error(`A batch of ${part.length} answered ${results.length}.`)
            answer((one) => {
              one.reject(error)
            })
            return
          }
          answer((one, index) => {
            one.resolve(results[index] as O)
          })
        },
        (error: unknown) => {
          answer((one) => {
            one.reject(error)
          })
        },
      )
    }
  }
}

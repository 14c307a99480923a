/**
 * Reads of one kind asked for in the same turn of the event loop go to the database as one query
 * (`WHERE id = ANY(…)`), each key once however many asked for it: concurrent requests that each
 * read a row by key (a postback its checkout, say) share a round trip instead of taking one each.
 */
import { TurnBatcher } from './turnBatcher.ts'

export class ReadBatcher<K, V> {
  private readonly batcher: TurnBatcher<K, V | null>

  /** `readMany` answers the rows found, by key; a key it leaves out is answered null. */
  constructor(readMany: (keys: K[]) => Promise<Map<K, V>>, options: { maxBatch?: number } = {}) {
    this.batcher = new TurnBatcher<K, V | null>(async (keys) => {
      const found = await readMany([...new Set(keys)])
      return keys.map((key) => found.get(key) ?? null)
    }, options)
  }

  load(key: K): Promise<V | null> {
    return this.batcher.add(key)
  }
}

import { describe, expect, it } from 'vitest'
import { ReadBatcher } from '../../../../server/store/postgres/readBatcher.ts'

/** A readMany over a fixed table that records the keys of each call. */
function table(rows: Record<string, string>, options: { failWhen?: string } = {}) {
  const calls: string[][] = []
  const readMany = (keys: string[]) => {
    calls.push(keys)
    if (options.failWhen !== undefined && keys.includes(options.failWhen)) {
      return Promise.reject(new Error('the database went away'))
    }
    return Promise.resolve(
      new Map(keys.flatMap((key) => (key in rows ? [[key, rows[key] ?? '']] : []))),
    )
  }
  return { calls, readMany }
}

describe('server/store/postgres/readBatcher', () => {
  it('reads the keys asked for in one turn in one call, each answered its own row or null', async () => {
    const { calls, readMany } = table({ a: 'A', b: 'B' })
    const batcher = new ReadBatcher(readMany)
    const answers = await Promise.all(['a', 'b', 'a', 'missing'].map((key) => batcher.load(key)))
    expect(answers).toEqual(['A', 'B', 'A', null])
    expect(calls).toEqual([['a', 'b', 'missing']])

    // A later turn is a later call, and sees what was written in between.
    expect(await batcher.load('b')).toBe('B')
    expect(calls).toHaveLength(2)
  })

  it('splits a large turn into calls of at most maxBatch keys', async () => {
    const rows = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, `v${i}`]))
    const { calls, readMany } = table(rows)
    const batcher = new ReadBatcher(readMany, { maxBatch: 2 })
    const answers = await Promise.all(Object.keys(rows).map((key) => batcher.load(key)))
    expect(answers).toEqual(Object.values(rows))
    expect(calls.map((keys) => keys.length)).toEqual([2, 2, 1])
  })

  it('fails only the reads of a call that failed', async () => {
    const { readMany } = table({ a: 'A', b: 'B' }, { failWhen: 'b' })
    const batcher = new ReadBatcher(readMany, { maxBatch: 1 })
    const [a, b] = await Promise.allSettled([batcher.load('a'), batcher.load('b')])
    expect(a).toEqual({ status: 'fulfilled', value: 'A' })
    expect(b).toMatchObject({ status: 'rejected', reason: new Error('the database went away') })
  })
})

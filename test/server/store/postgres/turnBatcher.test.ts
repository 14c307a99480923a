import { describe, expect, it } from 'vitest'
import { TurnBatcher } from '../../../../server/store/postgres/turnBatcher.ts'

/** A runMany that doubles numbers, records each call's items, and can fail or answer too few. */
function doubler(options: { failWhen?: number; answerShort?: boolean } = {}) {
  const calls: number[][] = []
  const runMany = (items: number[]) => {
    calls.push(items)
    if (options.failWhen !== undefined && items.includes(options.failWhen)) {
      return Promise.reject(new Error('the database went away'))
    }
    const answers = items.map((item) => item * 2)
    return Promise.resolve(options.answerShort ? answers.slice(1) : answers)
  }
  return { calls, runMany }
}

describe('server/store/postgres/turnBatcher', () => {
  it('runs the items of one turn in one call, each answered its own result in order', async () => {
    const { calls, runMany } = doubler()
    const batcher = new TurnBatcher(runMany)
    expect(await Promise.all([3, 1, 2].map((item) => batcher.add(item)))).toEqual([6, 2, 4])
    expect(calls).toEqual([[3, 1, 2]])
    // A later turn is a later call.
    expect(await batcher.add(5)).toBe(10)
    expect(calls).toEqual([[3, 1, 2], [5]])
  })

  it('splits a large turn into calls of at most maxBatch items', async () => {
    const { calls, runMany } = doubler()
    const batcher = new TurnBatcher(runMany, { maxBatch: 2 })
    expect(await Promise.all([1, 2, 3, 4, 5].map((item) => batcher.add(item)))).toEqual([
      2, 4, 6, 8, 10,
    ])
    expect(calls).toEqual([[1, 2], [3, 4], [5]])
  })

  it('fails only the items of a call that failed', async () => {
    const { runMany } = doubler({ failWhen: 3 })
    const batcher = new TurnBatcher(runMany, { maxBatch: 2 })
    const settled = await Promise.allSettled([1, 2, 3].map((item) => batcher.add(item)))
    expect(settled.map((one) => one.status)).toEqual(['fulfilled', 'fulfilled', 'rejected'])
  })

  it('fails every item of a call that answered the wrong number of results', async () => {
    const { runMany } = doubler({ answerShort: true })
    const batcher = new TurnBatcher(runMany)
    const settled = await Promise.allSettled([1, 2].map((item) => batcher.add(item)))
    expect(settled).toEqual([
      { status: 'rejected', reason: new Error('A batch of 2 answered 1.') },
      { status: 'rejected', reason: new Error('A batch of 2 answered 1.') },
    ])
  })
})

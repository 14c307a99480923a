import { expect, it } from 'vitest'
import { checkout, institution, type RepositoryFactory, using } from './support.ts'

export function lifecycleContract(open: RepositoryFactory): void {
  it('adopts rows that carry no institution into one, and counts what is left', async () => {
    await using(open, async ({ repo, execRaw }) => {
      await repo.createCheckout(checkout('c1'))
      await execRaw(`UPDATE checkouts SET institution = '' WHERE id = 'c1'`)
      await execRaw(`UPDATE events SET institution = '' WHERE checkout_id = 'c1'`)
      expect(await repo.countUnassignedRows()).toBe(2)
      expect(await repo.adoptUnassignedRows(institution)).toBe(2)
      expect(await repo.countUnassignedRows()).toBe(0)
      expect((await repo.getCheckout('c1'))?.institution).toBe(institution)
    })
  })

  it('answers a readiness ping, and says it is closed instead of answering after close()', async () => {
    const { repo, close } = await open()
    await expect(repo.ping()).resolves.toBeUndefined()
    await close()
    await expect(repo.getCheckout('c1')).rejects.toThrow(/closed/)
  })
}

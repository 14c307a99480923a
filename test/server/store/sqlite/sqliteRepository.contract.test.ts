import { mkdtempSync, rmSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  openSqliteMailQueue,
  openSqlitePaySessionStore,
  openSqliteRepository,
  openSqliteStaffStore,
} from '../../../../server/store/sqlite/index.ts'
import { describePaymentsRepositoryContract } from '../contract/index.ts'

describePaymentsRepositoryContract('server/store/sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-repo-'))
  const path = join(dir, 'kiosk.sqlite')
  const repo = await openSqliteRepository(path)
  const staff = await openSqliteStaffStore(path)
  const mail = await openSqliteMailQueue(path)
  const paySessions = await openSqlitePaySessionStore(path)
  const others: { close(): Promise<void> }[] = []
  return {
    repo,
    staff,
    queries: repo.staffQueries,
    async openAnother() {
      const other = await openSqliteRepository(path)
      others.push(other)
      return other
    },
    mail,
    async openAnotherMail() {
      const other = await openSqliteMailQueue(path)
      others.push(other)
      return other
    },
    paySessions,
    async openAnotherPaySessions() {
      const other = await openSqlitePaySessionStore(path)
      others.push(other)
      return other
    },
    execRaw(sql) {
      const db = new DatabaseSync(path)
      try {
        db.exec(sql)
        return Promise.resolve()
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)))
      } finally {
        db.close()
      }
    },
    async close() {
      for (const other of others) await other.close()
      await paySessions.close()
      await mail.close()
      await staff.close()
      await repo.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})

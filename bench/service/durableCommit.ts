/**
 * The floor under postback ingestion: how many durable commits a second this disk and `node:sqlite`
 * give with the service's own settings (WAL, synchronous=FULL), one row of a postback's size per
 * transaction, measured in the same run so ingestion can be reported as a ratio to it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDatabase } from '../../server/store/sqlite/database.ts'

export function measureDurableCommits(commits: number): { perSecond: number } {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-bench-commit-'))
  const db = openDatabase(join(dir, 'baseline.sqlite'))
  try {
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT')
    const insert = db.prepare('INSERT INTO rows (body) VALUES (?)')
    const body = 'x'.repeat(400)
    const started = performance.now()
    for (let i = 0; i < commits; i++) {
      db.exec('BEGIN IMMEDIATE')
      insert.run(body)
      db.exec('COMMIT')
    }
    return { perSecond: commits / ((performance.now() - started) / 1000) }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

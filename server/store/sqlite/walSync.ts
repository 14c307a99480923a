/**
 * Flushing SQLite's write-ahead log to disk on libuv's thread pool, so the event loop goes on while
 * the disk works. A commit made with `synchronous=NORMAL` in WAL mode has written its frames to the
 * `-wal` file but not flushed them; `fsync` of that file (any descriptor of it) makes them durable:
 * the same flush `synchronous=FULL` would have done inside COMMIT, blocking.
 */
import { open, type FileHandle } from 'node:fs/promises'

export interface WalSync {
  /** Resolves once everything written to the log so far is on disk. */
  sync(): Promise<void>
  /** Closes the file once the syncs under way have ended. */
  close(): void
}

export function walFileSync(databasePath: string): WalSync {
  const walPath = `${databasePath}-wal`
  let handle: Promise<FileHandle> | null = null
  const pending = new Set<Promise<void>>()
  return {
    sync() {
      // The log exists once the first commit has written to it; opened then, and kept open. A
      // failed open is not kept: the next flush tries again.
      if (!handle) {
        const opening = open(walPath, 'r+')
        handle = opening
        opening.catch(() => {
          if (handle === opening) handle = null
        })
      }
      const done = handle.then((file) => file.sync())
      pending.add(done)
      void done.finally(() => pending.delete(done)).catch(() => undefined)
      return done
    },
    close() {
      const opened = handle
      if (!opened) return
      handle = null
      void Promise.allSettled([...pending])
        .then(() => opened)
        .then((file) => file.close())
        .catch(() => undefined)
    },
  }
}

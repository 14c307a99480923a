/**
 * The outbox rows that carry money which began at `roots` (a line's row, an exception's queued
 * rows): the roots and, transitively, every row re-allocated from them. Pure.
 */
import type { PostingRecord } from '../../store/repository.ts'

export function postingTree(
  roots: readonly PostingRecord[],
  postings: readonly PostingRecord[],
): PostingRecord[] {
  const rows = [...roots]
  // The iterator sees rows appended while it runs: children of children are visited too.
  for (const parent of rows) {
    rows.push(...postings.filter((child) => child.parentId === parent.id))
  }
  return rows
}

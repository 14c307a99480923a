/**
 * The storage contract: every `PaymentsRepository` implementation passes this suite (SQLite now,
 * PostgreSQL beside it). It covers every method, the append-only rules the database enforces,
 * leases across connections, pay attempts, re-allocation bookkeeping, exceptions, institutions.
 */
import { describe } from 'vitest'
import { checkoutContract } from './checkouts.ts'
import { lifecycleContract } from './lifecycle.ts'
import { outboxContract } from './outbox.ts'
import { postbackContract } from './postbacks.ts'
import type { RepositoryFactory } from './support.ts'

export type { RepositoryFactory, RepositoryUnderTest } from './support.ts'

export function describePaymentsRepositoryContract(name: string, open: RepositoryFactory): void {
  describe(`${name}: the PaymentsRepository contract`, () => {
    describe('checkouts', () => {
      checkoutContract(open)
    })
    describe('postbacks', () => {
      postbackContract(open)
    })
    describe('outbox', () => {
      outboxContract(open)
    })
    describe('institutions and lifecycle', () => {
      lifecycleContract(open)
    })
  })
}

/**
 * The storage contract: every `PaymentsRepository` implementation passes this suite (SQLite now,
 * PostgreSQL beside it). It covers every method, the append-only rules the database enforces,
 * leases across connections, pay attempts, re-allocation bookkeeping, exceptions, institutions,
 * everything the staff console stores, the mail queue and the pay pages' sessions.
 */
import { describe } from 'vitest'
import { checkoutContract } from './checkouts.ts'
import { lifecycleContract } from './lifecycle.ts'
import { mailQueueContract } from './mailQueue.ts'
import { outboxContract } from './outbox.ts'
import { paySessionContract } from './paySessions.ts'
import { postbackContract } from './postbacks.ts'
import { resolutionContract } from './resolutions.ts'
import { staffContract } from './staff.ts'
import { staffQueriesContract } from './staffQueries.ts'
import type { RepositoryFactory } from './support.ts'

export type { RepositoryFactory } from './support.ts'

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
    describe('exception resolutions', () => {
      resolutionContract(open)
    })
    describe('staff: accounts, sessions, sign-on state, audit', () => {
      staffContract(open)
    })
    describe("staff console's reads", () => {
      staffQueriesContract(open)
    })
    describe('the mail queue', () => {
      mailQueueContract(open)
    })
    describe("the pay pages' sessions", () => {
      paySessionContract(open)
    })
  })
}

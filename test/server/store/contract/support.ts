/**
 * What the storage contract suite needs from an implementation: a fresh, empty repository per
 * test, a second connection to the same database (as another process would open it), and raw SQL
 * to prove the rules the database itself enforces (append-only postbacks). Table and column names
 * are part of the contract, so the tampering statements are the same on every engine.
 */
import type {
  CheckoutRecord,
  NewCheckout,
  NewPostback,
  PaymentsRepository,
  PostbackAction,
} from '../../../../server/store/repository.ts'
import type { MailQueue } from '../../../../server/store/mailQueue.ts'
import type { PaySessionStore } from '../../../../server/store/paySessions.ts'
import type { StaffRepository } from '../../../../server/store/staff.ts'
import type { StaffQueries } from '../../../../server/store/staffQueries.ts'

export interface RepositoryUnderTest {
  repo: PaymentsRepository
  /** The staff store on the same database. */
  staff: StaffRepository
  /** The staff console's reads over the same database. */
  queries: StaffQueries
  openAnother: () => Promise<PaymentsRepository>
  /** The mail queue on the same database. */
  mail: MailQueue
  /** Another connection's mail queue (as another instance would open it). */
  openAnotherMail: () => Promise<MailQueue>
  /** The pay pages' sessions on the same database. */
  paySessions: PaySessionStore
  /** Another connection's pay sessions (as another instance would open them). */
  openAnotherPaySessions: () => Promise<PaySessionStore>
  /** Runs SQL straight on the database; rejects with the database's own error. */
  execRaw: (sql: string) => Promise<void>
  close: () => Promise<void>
}

export type RepositoryFactory = () => Promise<RepositoryUnderTest>

export const t0 = 1_700_000_000_000
export const institution = 'INST_A'
export const otherInstitution = 'INST_B'

export function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value')
  return value
}

export function checkout(id: string, overrides: Partial<NewCheckout> = {}): NewCheckout {
  return {
    id,
    institution,
    kioskId: 'kiosk-1',
    channel: 'kiosk:kiosk-1',
    primaryId: 'mgarcia01',
    patronName: 'María García',
    currency: 'USD',
    amountCents: 1775,
    lines: [
      {
        feeId: 'fee-1',
        feeType: 'OVERDUEFINE',
        description: 'Overdue fine',
        title: 'The social life of language',
        feeCreatedAt: '2024-01-01T00:00:00Z',
        amountCents: 1250,
        itemCode: 'LIB-FINE',
      },
      {
        feeId: 'fee-3',
        feeType: 'LOSTITEMPROCESSFEE',
        description: 'Lost item process fee',
        title: null,
        feeCreatedAt: '2024-03-01T00:00:00Z',
        amountCents: 525,
        itemCode: 'LIB-FINE',
      },
    ],
    feeBalances: { 'fee-1': 1250, 'fee-2': 2500, 'fee-3': 525 },
    createdAt: t0,
    expiresAt: t0 + 60_000,
    ...overrides,
  }
}

export function rawPostback(overrides: Partial<NewPostback> = {}): NewPostback {
  return {
    institution,
    receivedAt: t0,
    sourceIp: '127.0.0.1',
    method: 'POST',
    contentType: 'application/x-www-form-urlencoded',
    rawBody: 'result=0&tx=1',
    rawQuery: '',
    bodyBytes: 13,
    truncated: false,
    ...overrides,
  }
}

/** `seen`: the checkout as the ingest read it before storing (see `PostbackAction`). */
export const accept = (
  checkoutId: string,
  tx: string,
  amountCents = 1775,
  seen?: CheckoutRecord,
): PostbackAction => ({
  kind: 'accept',
  checkoutId,
  tx,
  amountCents,
  ...(seen ? { seen } : {}),
})

/** A checkout, paid by postback `tx` at t0 + 1: two outbox rows. Answers the postback id. */
export async function paid(repo: PaymentsRepository, id: string, tx: string): Promise<number> {
  await repo.createCheckout(checkout(id))
  const stored = await repo.storePostback(rawPostback(), accept(id, tx), t0 + 1)
  if (stored.kind !== 'accepted') throw new Error(`expected accepted, got ${stored.kind}`)
  return stored.postbackId
}

/** Runs a test against a fresh repository, closing it whatever happens. */
export async function using(
  open: RepositoryFactory,
  test: (subject: RepositoryUnderTest) => Promise<void>,
): Promise<void> {
  const subject = await open()
  try {
    await test(subject)
  } finally {
    await subject.close()
  }
}

/**
 * The reads the staff console needs over the payments data: paged, filtered lists and the
 * aggregates of Today and reconciliation. Read-only; every query is scoped to institutions.
 */
import type { CheckoutStatus } from '../../common/api.ts'
import type { ChannelKind, ExceptionState } from '../../common/staffApi.ts'
import type {
  CheckoutRecord,
  PaymentExceptionKind,
  PaymentExceptionRecord,
  PostbackRecord,
  PostingRecord,
} from './repository.ts'

export type CheckoutSortKey = 'createdAt' | 'amountCents' | 'status'

export interface CheckoutFilter {
  /** Only these institutions' checkouts (never empty). */
  institutions: readonly string[]
  /** `createdAt` ≥ fromMs and < toMs. */
  fromMs?: number
  toMs?: number
  status?: CheckoutStatus
  channel?: ChannelKind
  /** A CashNet tx, a checkout id or an Alma primary id, exactly. */
  q?: string
  sort: CheckoutSortKey
  order: 'asc' | 'desc'
  limit: number
  /** Continue after this row (its sort value and id). */
  after?: { value: string | number; id: string }
}

export interface DayTotal {
  /** The service's calendar day, `YYYY-MM-DD`. */
  day: string
  count: number
  amountCents: number
}

export interface GroupTotal {
  key: string
  count: number
  amountCents: number
}

export interface ReconciliationData {
  /** Checkouts CashNet was paid for within the range (by `paidAt`). */
  checkouts: CheckoutRecord[]
  /** Every outbox row of those checkouts. */
  postings: PostingRecord[]
  /** Exceptions of those checkouts, and unmatched payments received within the range. */
  exceptions: PaymentExceptionRecord[]
  /** Postbacks accepted or unmatched within the range (batchno, item codes of unmatched money). */
  postbacks: PostbackRecord[]
}

export interface ExceptionFilter {
  institutions: readonly string[]
  state: ExceptionState
  kind?: PaymentExceptionKind
  /** Open: oldest first (the queue); resolved: most recently resolved first. */
  limit: number
}

export interface StaffQueries {
  listCheckouts(filter: CheckoutFilter): Promise<CheckoutRecord[]>
  /** These checkouts (those that exist), in the order asked. */
  checkoutsByIds(ids: readonly string[]): Promise<CheckoutRecord[]>
  listExceptions(filter: ExceptionFilter): Promise<PaymentExceptionRecord[]>
  postingsOf(checkoutIds: readonly string[]): Promise<PostingRecord[]>
  postbacksOf(checkoutId: string): Promise<PostbackRecord[]>
  /**
   * Paid money per service-local day (by `paidAt`), days with none left out. These totals count
   * money patrons paid: checkouts a staff resolution made to carry money already counted are not.
   */
  paidPerDay(institutions: readonly string[], fromMs: number, toMs: number): Promise<DayTotal[]>
  /** Paid money since `fromMs` per channel, and per kiosk. */
  paidByChannel(
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<GroupTotal[]>
  paidByKiosk(institutions: readonly string[], fromMs: number, toMs: number): Promise<GroupTotal[]>
  /** Events of these types since `sinceMs` (e.g. Alma errors in the last hour). */
  countEvents(
    institutions: readonly string[],
    types: readonly string[],
    sinceMs: number,
  ): Promise<number>
  /** Unsettled outbox rows: how many, and when the oldest was enqueued. */
  unposted(
    institutions: readonly string[],
  ): Promise<{ count: number; oldestCreatedAt: number | null }>
  reconciliationData(
    institutions: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<ReconciliationData>
}

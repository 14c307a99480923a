/**
 * The Payments screen's reads: a filtered page of payments (keyset-paged, so a page never repeats
 * or skips a payment that arrives meanwhile) and one payment with its timeline.
 */
import { z } from 'zod'
import type { PaymentDetail, PaymentsPage, PaymentsQuery } from '../../common/staffApi.ts'
import type { PaymentsRepository } from '../store/repository.ts'
import type { CheckoutSortKey, StaffQueries } from '../store/staffQueries.ts'
import { dayRange, nextDay, startOfDay } from './days.ts'
import { StaffRequestError } from './errors.ts'
import { paymentDetail, paymentSummary } from './paymentViews.ts'
import { institutionsInScope } from './scope.ts'

const cursorSchema = z.object({ v: z.union([z.string(), z.number()]), id: z.string() })

function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify({ v: value, id }), 'utf8').toString('base64url')
}

function decodeCursor(cursor: string): { value: string | number; id: string } {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    return { value: parsed.v, id: parsed.id }
  } catch {
    throw new StaffRequestError('invalid_request', 'cursor: is not one this service gave out', {
      field: 'cursor',
    })
  }
}

export interface PaymentsServiceDeps {
  queries: StaffQueries
  repo: Pick<PaymentsRepository, 'getCheckout' | 'listEvents'>
}

export function createPaymentsService(deps: PaymentsServiceDeps) {
  const { queries } = deps

  async function list(own: readonly string[], query: PaymentsQuery): Promise<PaymentsPage> {
    const institutions = institutionsInScope(own, query.institution)
    const range =
      query.from && query.to
        ? dayRange(query.from, query.to)
        : {
            fromMs: query.from ? startOfDay(query.from) : undefined,
            toMs: query.to ? startOfDay(nextDay(query.to)) : undefined,
          }
    const sort: CheckoutSortKey = query.sort
    const checkouts = await queries.listCheckouts({
      institutions,
      ...(range.fromMs === undefined ? {} : { fromMs: range.fromMs }),
      ...(range.toMs === undefined ? {} : { toMs: range.toMs }),
      ...(query.status ? { status: query.status } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.q ? { q: query.q } : {}),
      sort,
      order: query.order,
      // One more than asked: whether there is a next page.
      limit: query.limit + 1,
      ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
    })
    const page = checkouts.slice(0, query.limit)
    const postings = await queries.postingsOf(page.map((checkout) => checkout.id))
    const last = page.at(-1)
    return {
      payments: page.map((checkout) =>
        paymentSummary(
          checkout,
          postings.filter((posting) => posting.checkoutId === checkout.id),
        ),
      ),
      next:
        checkouts.length > query.limit && last
          ? encodeCursor(
              sort === 'createdAt'
                ? last.createdAt
                : sort === 'amountCents'
                  ? last.amountCents
                  : last.status,
              last.id,
            )
          : null,
    }
  }

  async function detail(own: readonly string[], checkoutId: string): Promise<PaymentDetail> {
    const checkout = await deps.repo.getCheckout(checkoutId)
    if (!checkout || !own.includes(checkout.institution)) {
      throw new StaffRequestError('not_found', 'No such payment.')
    }
    const [postings, postbacks, events] = await Promise.all([
      queries.postingsOf([checkout.id]),
      queries.postbacksOf(checkout.id),
      deps.repo.listEvents({ checkoutId: checkout.id }),
    ])
    return paymentDetail(checkout, postings, postbacks, events)
  }

  return { list, detail }
}

export type PaymentsService = ReturnType<typeof createPaymentsService>

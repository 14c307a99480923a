/**
 * The Today screen: what came in today by channel and kiosk, the open exceptions, the posting
 * health a supervisor glances at (the oldest payment not yet in Alma, Alma errors in the last
 * hour), and thirty days of payments for the chart.
 */
import { exceptionKinds, type Today } from '../../common/staffApi.ts'
import type { Clock } from '../ops/clock.ts'
import type { PaymentsRepository } from '../store/repository.ts'
import type { StaffQueries } from '../store/staffQueries.ts'
import { dayRange, daysEndingWith, localDay } from './days.ts'

/** Events that mean Alma did not take a call as asked. */
const almaErrorEvents = ['posting_retry', 'posting_uncertain', 'posting_refused'] as const

export interface TodayDeps {
  queries: StaffQueries
  repo: Pick<PaymentsRepository, 'countOpenExceptions'>
  clock: Clock
}

export async function todayView(deps: TodayDeps, institutions: readonly string[]): Promise<Today> {
  const now = deps.clock.now()
  const today = localDay(now)
  const days = daysEndingWith(today, 30)
  const todayRange = dayRange(today, today)
  const chartRange = dayRange(days[0] ?? today, today)
  const [byChannel, byKiosk, perDay, unposted, almaErrors, ...openCounts] = await Promise.all([
    deps.queries.paidByChannel(institutions, todayRange.fromMs, todayRange.toMs),
    deps.queries.paidByKiosk(institutions, todayRange.fromMs, todayRange.toMs),
    deps.queries.paidPerDay(institutions, chartRange.fromMs, chartRange.toMs),
    deps.queries.unposted(institutions),
    deps.queries.countEvents(institutions, almaErrorEvents, now - 3_600_000),
    ...institutions.map((code) => deps.repo.countOpenExceptions(code)),
  ])
  const openExceptions = Object.fromEntries(exceptionKinds.map((kind) => [kind, 0])) as Record<
    (typeof exceptionKinds)[number],
    number
  >
  for (const counts of openCounts) {
    for (const kind of exceptionKinds) openExceptions[kind] += counts[kind]
  }
  const perDayByDate = new Map(perDay.map((total) => [total.day, total]))
  return {
    date: today,
    byChannel: byChannel.map((total) => ({
      channel: total.key,
      count: total.count,
      amountCents: total.amountCents,
    })),
    byKiosk: byKiosk.map((total) => ({
      kioskId: total.key,
      count: total.count,
      amountCents: total.amountCents,
    })),
    openExceptions,
    health: {
      oldestUnpostedSeconds:
        unposted.oldestCreatedAt === null
          ? 0
          : Math.max(0, Math.round((now - unposted.oldestCreatedAt) / 1000)),
      unpostedCount: unposted.count,
      almaErrorsLastHour: almaErrors,
    },
    days: days.map((date) => ({
      date,
      count: perDayByDate.get(date)?.count ?? 0,
      amountCents: perDayByDate.get(date)?.amountCents ?? 0,
    })),
  }
}

/**
 * Reconciliation for staff: the report, its CSV and the comparison with CashNet's own report, all
 * over the same `reconciliationLines` of the staff member's institutions, so the three agree.
 */
import {
  cashnetReportMappingSchema,
  type CashnetReportComparison,
  type Reconciliation,
} from '../../common/staffApi.ts'
import { dayRange } from '../staff/days.ts'
import { institutionsInScope } from '../staff/scope.ts'
import type { StaffQueries } from '../store/staffQueries.ts'
import { compareWithCashnet, readCashnetReport } from './cashnetReport.ts'
import { reconciliationCsv } from './csv.ts'
import { reconciliationLines, type ReconciliationLine } from './lines.ts'
import { reconciliationReport } from './report.ts'

export interface DateRange {
  from: string
  to: string
  institution?: string | undefined
}

export function createReconciliationService(deps: { queries: StaffQueries }) {
  async function linesOf(own: readonly string[], range: DateRange): Promise<ReconciliationLine[]> {
    const institutions = institutionsInScope(own, range.institution)
    const { fromMs, toMs } = dayRange(range.from, range.to)
    return reconciliationLines(await deps.queries.reconciliationData(institutions, fromMs, toMs))
  }

  async function report(own: readonly string[], range: DateRange): Promise<Reconciliation> {
    return reconciliationReport(await linesOf(own, range), range)
  }

  async function csv(
    own: readonly string[],
    range: DateRange,
  ): Promise<{ text: string; rows: number }> {
    const lines = await linesOf(own, range)
    return { text: reconciliationCsv(lines), rows: lines.length }
  }

  async function compare(
    own: readonly string[],
    range: DateRange & {
      tx?: string | undefined
      amount?: string | undefined
      date?: string | undefined
    },
    reportText: string,
  ): Promise<CashnetReportComparison> {
    const mapping = cashnetReportMappingSchema.parse({
      ...(range.tx ? { tx: range.tx } : {}),
      ...(range.amount ? { amount: range.amount } : {}),
      ...(range.date ? { date: range.date } : {}),
    })
    // Read (all or nothing) before touching the database: a bad upload costs no query.
    const rows = readCashnetReport(reportText, mapping)
    return compareWithCashnet(rows, await linesOf(own, range), range)
  }

  return { report, csv, compare }
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>

/**
 * The reconciliation report: per day and per CashNet item code, what CashNet took (transactions and
 * money), what reached Alma, what waits as open exceptions, and every line where the two differ.
 * Pure, over `reconciliationLines`.
 */
import type { Reconciliation } from '../../common/staffApi.ts'
import type { ReconciliationLine } from './lines.ts'

function differenceReason(line: ReconciliationLine): string {
  switch (line.almaStatus) {
    case 'pending':
      return 'still being posted to Alma'
    case 'unmatched':
      return 'CashNet took it for no known checkout (exception open)'
    case 'exception':
      return 'part of it could not be applied (exception open)'
    case 'reallocated':
      return 'moved to other fees, part not yet posted'
    case 'refunded':
      return 'refunded through CashNet'
    case 'written_off':
      return 'written off by staff'
    default:
      return line.almaStatus.replaceAll('_', ' ')
  }
}

export function reconciliationReport(
  lines: readonly ReconciliationLine[],
  range: { from: string; to: string },
): Reconciliation {
  const groups = new Map<string, Reconciliation['rows'][number] & { transactions: Set<string> }>()
  for (const line of lines) {
    const key = `${line.date}|${line.itemCode}`
    let group = groups.get(key)
    if (!group) {
      group = {
        date: line.date,
        itemCode: line.itemCode,
        cashnetCount: 0,
        cashnetCents: 0,
        postedCents: 0,
        openExceptionCents: 0,
        transactions: new Set(),
      }
      groups.set(key, group)
    }
    group.transactions.add(line.cashnetTx ?? `exception:${String(line.exceptionId)}`)
    group.cashnetCents += line.amountCents
    group.postedCents += line.postedCents
    group.openExceptionCents += line.openExceptionCents
  }
  const rows = [...groups.values()]
    .map(({ transactions, ...row }) => ({ ...row, cashnetCount: transactions.size }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.itemCode.localeCompare(b.itemCode))
  const totalTransactions = new Set(
    lines.map((line) => line.cashnetTx ?? `exception:${String(line.exceptionId)}`),
  )
  return {
    from: range.from,
    to: range.to,
    rows,
    totals: {
      cashnetCount: totalTransactions.size,
      cashnetCents: rows.reduce((sum, row) => sum + row.cashnetCents, 0),
      postedCents: rows.reduce((sum, row) => sum + row.postedCents, 0),
      openExceptionCents: rows.reduce((sum, row) => sum + row.openExceptionCents, 0),
    },
    differences: lines
      .filter((line) => line.amountCents !== line.postedCents)
      .map((line) => ({
        date: line.date,
        checkoutId: line.checkoutId,
        cashnetTx: line.cashnetTx,
        itemCode: line.itemCode === '' ? null : line.itemCode,
        cashnetCents: line.amountCents,
        postedCents: line.postedCents,
        reason: differenceReason(line),
        exceptionId: line.exceptionId,
      })),
  }
}

/**
 * A bursar's check against CashNet's own transaction report (CSV, columns named by a mapping):
 * which transactions CashNet has that we lack (or hold for another amount), and which we verified
 * that CashNet's report does not list. All or nothing: a report with a bad row is refused with the
 * line numbers, never half read. Pure, over `reconciliationLines`.
 */
import { parse } from 'csv-parse/sync'
import type { CashnetReportComparison, CashnetReportMapping } from '../../common/staffApi.ts'
import { centsFromDecimalString } from '../../common/money.ts'
import { StaffRequestError } from '../staff/errors.ts'
import type { ReconciliationLine } from './lines.ts'

export interface ReportRow {
  line: number
  tx: string
  date: string
  amountCents: number
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-12-02`, `12/02/2026`, `2026-12-02T09:14:00`, `12/2/2026 9:14 AM` → `YYYY-MM-DD`. */
export function reportDay(text: string): string | null {
  const value = text.trim()
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(value)
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s.*)?$/.exec(value)
  if (us) return `${us[3]}-${pad(Number(us[1]))}-${pad(Number(us[2]))}`
  return null
}

/** `$1,234.50`, `1234.5`, `(12.00)` is refused (a refund is not a sale). */
export function reportAmount(text: string): number | null {
  const value = text.trim().replace(/^\$/, '').replaceAll(',', '')
  const cents = centsFromDecimalString(value)
  return cents === null || cents <= 0 ? null : cents
}

export function readCashnetReport(text: string, mapping: CashnetReportMapping): ReportRow[] {
  let records: { record: string[]; line: number }[]
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      // Each record led by the line it ends on (a quoted cell may span lines).
      on_record: (record: string[], context) => [String(context.lines), ...record],
    }).map(([line, ...record]) => ({ record, line: Number(line) }))
  } catch (error) {
    throw new StaffRequestError(
      'invalid_request',
      `The file is not CSV: ${(error as Error).message}`,
    )
  }
  const [first, ...body] = records
  const header = first?.record
  if (!header) throw new StaffRequestError('invalid_request', 'The file is empty.')
  const position = (name: string) =>
    header.findIndex((cell) => cell.toLowerCase() === name.toLowerCase())
  const columns = {
    tx: position(mapping.tx),
    amount: position(mapping.amount),
    date: position(mapping.date),
  }
  const missing = Object.entries(columns)
    .filter(([, index]) => index === -1)
    .map(([field]) => `${mapping[field as keyof CashnetReportMapping]} (${field})`)
  if (missing.length > 0) {
    throw new StaffRequestError(
      'invalid_request',
      `The header has no column ${missing.join(', ')}.`,
      {
        field: 'mapping',
      },
    )
  }
  const rows: ReportRow[] = []
  const bad: { line: number; message: string }[] = []
  body.forEach(({ record, line }) => {
    const tx = record[columns.tx]?.trim() ?? ''
    const date = reportDay(record[columns.date] ?? '')
    const amountCents = reportAmount(record[columns.amount] ?? '')
    const problems = [
      tx === '' ? 'no transaction number' : null,
      date === null ? `the date "${record[columns.date] ?? ''}" is not a date` : null,
      amountCents === null ? `the amount "${record[columns.amount] ?? ''}" is not an amount` : null,
    ].filter((problem) => problem !== null)
    if (problems.length > 0 || date === null || amountCents === null) {
      bad.push({ line, message: problems.join('; ') })
      return
    }
    rows.push({ line, tx, date, amountCents })
  })
  if (bad.length > 0) {
    throw new StaffRequestError(
      'invalid_request',
      `${bad.length} rows could not be read; nothing was compared.`,
      {
        lines: bad,
      },
    )
  }
  return rows
}

export function compareWithCashnet(
  report: readonly ReportRow[],
  lines: readonly ReconciliationLine[],
  range: { from: string; to: string },
): CashnetReportComparison {
  const inRange = report.filter((row) => row.date >= range.from && row.date <= range.to)
  const ours = new Map<string, { cents: number; date: string; checkoutId: string | null }>()
  for (const line of lines) {
    if (line.cashnetTx === null) continue
    const known = ours.get(line.cashnetTx)
    ours.set(line.cashnetTx, {
      cents: (known?.cents ?? 0) + line.amountCents,
      date: line.date,
      checkoutId: known?.checkoutId ?? line.checkoutId,
    })
  }
  const theirs = new Map<string, number>()
  for (const row of inRange) theirs.set(row.tx, (theirs.get(row.tx) ?? 0) + row.amountCents)

  const onlyInCashnet: CashnetReportComparison['onlyInCashnet'] = []
  let matched = 0
  for (const row of inRange) {
    const here = ours.get(row.tx)
    if (!here) {
      onlyInCashnet.push({ ...row, note: 'no verified postback here for this transaction' })
    } else if (here.cents !== theirs.get(row.tx)) {
      onlyInCashnet.push({
        ...row,
        note: `here for ${(here.cents / 100).toFixed(2)}, not ${(row.amountCents / 100).toFixed(2)}`,
      })
    } else {
      matched++
    }
  }
  const onlyHere = [...ours]
    .filter(([tx]) => !theirs.has(tx))
    .map(([tx, here]) => ({
      tx,
      date: here.date,
      amountCents: here.cents,
      checkoutId: here.checkoutId,
    }))
  return { rows: inRange.length, matched, onlyInCashnet, onlyHere }
}

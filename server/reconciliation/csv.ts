/**
 * `reconciliation.csv`: RFC 4180 (csv-stringify), a header row, one row per payment line, amounts as
 * `12.50`. A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, and tab or carriage
 * return first) is neutralised with a leading apostrophe: the file is opened by people in Excel.
 */
import { stringify } from 'csv-stringify/sync'
import { reconciliationCsvColumns } from '../../common/staffApi.ts'
import { decimalStringFromCents } from '../../common/money.ts'
import type { ReconciliationLine } from './lines.ts'

export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell
}

export function reconciliationCsv(lines: readonly ReconciliationLine[]): string {
  const rows = lines.map((line) =>
    [
      line.date,
      line.institution,
      line.cashnetTx ?? '',
      line.batchno ?? '',
      line.checkoutId ?? '',
      line.channel,
      line.itemCode,
      line.almaUserId ?? '',
      line.almaFeeId ?? '',
      line.feeType ?? '',
      decimalStringFromCents(line.amountCents),
      line.almaPostedAt === null ? '' : new Date(line.almaPostedAt).toISOString(),
      line.almaStatus,
      line.exceptionId === null ? '' : String(line.exceptionId),
    ].map(neutraliseFormula),
  )
  return stringify([[...reconciliationCsvColumns], ...rows], { record_delimiter: '\r\n' })
}

import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { reconciliationCsvColumns } from '../../../common/staffApi.ts'
import { neutraliseFormula, reconciliationCsv } from '../../../server/reconciliation/csv.ts'
import type { ReconciliationLine } from '../../../server/reconciliation/lines.ts'

const line: ReconciliationLine = {
  date: '2026-12-01',
  institution: '01CALS_SJO',
  cashnetTx: 'T1',
  batchno: '7',
  checkoutId: 'c1',
  channel: 'kiosk:k1',
  itemCode: 'LIB-FINE',
  almaUserId: 'p1',
  almaFeeId: 'f1',
  feeType: 'OVERDUEFINE',
  amountCents: 1250,
  postedCents: 1250,
  almaPostedAt: Date.UTC(2026, 11, 1, 17, 0, 0),
  almaStatus: 'posted',
  exceptionId: null,
  openExceptionCents: 0,
}

describe('server/reconciliation: reconciliation.csv', () => {
  it('writes RFC 4180 with a header row, amounts as 12.50 and CRLF line ends', () => {
    const text = reconciliationCsv([line, { ...line, amountCents: 5, almaPostedAt: null }])
    expect(text.split('\r\n')[0]).toBe(reconciliationCsvColumns.join(','))
    const rows = parse(text)
    expect(rows[1]).toEqual([
      '2026-12-01',
      '01CALS_SJO',
      'T1',
      '7',
      'c1',
      'kiosk:k1',
      'LIB-FINE',
      'p1',
      'f1',
      'OVERDUEFINE',
      '12.50',
      '2026-12-01T17:00:00.000Z',
      'posted',
      '',
    ])
    expect(rows[2]?.[10]).toBe('0.05')
    expect(rows[2]?.[11]).toBe('')
  })

  it('neutralises cells a spreadsheet would run as formulas, and quotes what needs quoting', () => {
    for (const cell of ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`)
    }
    expect(neutraliseFormula('LIB-FINE')).toBe('LIB-FINE')
    const text = reconciliationCsv([
      { ...line, almaUserId: '=cmd|"/c calc"!A1', itemCode: 'a,b "c"' },
    ])
    const [, row] = parse(text)
    expect(row?.[7]).toBe(`'=cmd|"/c calc"!A1`)
    expect(row?.[6]).toBe('a,b "c"')
  })
})

import { describe, expect, it } from 'vitest'
import { cashnetReportMappingSchema } from '../../../common/staffApi.ts'
import {
  compareWithCashnet,
  readCashnetReport,
  reportAmount,
  reportDay,
} from '../../../server/reconciliation/cashnetReport.ts'
import type { ReconciliationLine } from '../../../server/reconciliation/lines.ts'
import { StaffRequestError } from '../../../server/staff/errors.ts'

const mapping = cashnetReportMappingSchema.parse({})

function refusal(run: () => unknown): StaffRequestError {
  try {
    run()
  } catch (error) {
    if (error instanceof StaffRequestError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

function line(tx: string, amountCents: number, overrides: Partial<ReconciliationLine> = {}) {
  return {
    date: '2026-12-01',
    institution: 'I',
    cashnetTx: tx,
    batchno: null,
    checkoutId: `c-${tx}`,
    channel: 'kiosk:k1',
    itemCode: 'LIB-FINE',
    almaUserId: 'p1',
    almaFeeId: 'f1',
    feeType: 'OVERDUEFINE',
    amountCents,
    postedCents: amountCents,
    almaPostedAt: null,
    almaStatus: 'posted',
    exceptionId: null,
    openExceptionCents: 0,
    ...overrides,
  } satisfies ReconciliationLine
}

describe("server/reconciliation: CashNet's own report", () => {
  it('reads the dates and amounts bursars export', () => {
    expect(reportDay('2026-12-02')).toBe('2026-12-02')
    expect(reportDay('2026-12-02T09:14:00')).toBe('2026-12-02')
    expect(reportDay('12/2/2026 9:14 AM')).toBe('2026-12-02')
    expect(reportDay('2 Dec 2026')).toBeNull()
    expect(reportAmount('$1,234.50')).toBe(123_450)
    expect(reportAmount('7.5')).toBe(750)
    expect(reportAmount('(12.00)')).toBeNull()
    expect(reportAmount('-3.00')).toBeNull()
    expect(reportAmount('0')).toBeNull()
  })

  it('maps columns by header name in any case, with a BOM and quoted cells', () => {
    const rows = readCashnetReport(
      '\uFEFFtransaction number,AMOUNT,Transaction Date,Note\r\n' +
        'T1,"1,250.00",12/01/2026,"two\nlines"\r\nT2,5.25,2026-12-01,\r\n',
      mapping,
    )
    expect(rows).toEqual([
      { line: 3, tx: 'T1', date: '2026-12-01', amountCents: 125_000 },
      { line: 4, tx: 'T2', date: '2026-12-01', amountCents: 525 },
    ])
    const custom = readCashnetReport('Ref;Total;When\nT9;1.00;2026-12-01\n'.replaceAll(';', ','), {
      tx: 'Ref',
      amount: 'Total',
      date: 'When',
    })
    expect(custom).toEqual([{ line: 2, tx: 'T9', date: '2026-12-01', amountCents: 100 }])
  })

  it('refuses the whole file, naming each bad line, when any row is bad', () => {
    const error = refusal(() =>
      readCashnetReport(
        'Transaction Number,Amount,Transaction Date\nT1,1.00,2026-12-01\n,2.00,2026-12-01\nT3,abc,tomorrow\n',
        mapping,
      ),
    )
    expect(error.kind).toBe('invalid_request')
    expect(error.message).toContain('nothing was compared')
    expect(error.lines).toEqual([
      { line: 3, message: 'no transaction number' },
      {
        line: 4,
        message: 'the date "tomorrow" is not a date; the amount "abc" is not an amount',
      },
    ])
  })

  it('names missing columns and refuses what is not CSV', () => {
    const missing = refusal(() => readCashnetReport('Tx,Amount\nT1,1.00\n', mapping))
    expect(missing.field).toBe('mapping')
    expect(missing.message).toContain('Transaction Number (tx)')
    expect(missing.message).toContain('Transaction Date (date)')
    expect(refusal(() => readCashnetReport('', mapping)).message).toBe('The file is empty.')
    expect(refusal(() => readCashnetReport('a,"b\n', mapping)).message).toMatch(
      /^The file is not CSV/,
    )
  })

  it('compares by transaction: only in CashNet, another amount, only here', () => {
    const report = [
      { line: 2, tx: 'T1', date: '2026-12-01', amountCents: 1775 },
      { line: 3, tx: 'T2', date: '2026-12-01', amountCents: 999 },
      { line: 4, tx: 'T3', date: '2026-12-01', amountCents: 100 },
      { line: 5, tx: 'T4', date: '2026-11-30', amountCents: 100 },
    ]
    // T1 is two lines here that add up to CashNet's one transaction.
    const lines = [line('T1', 1250), line('T1', 525), line('T2', 500), line('T5', 300)]
    const comparison = compareWithCashnet(report, lines, { from: '2026-12-01', to: '2026-12-01' })
    expect(comparison.rows).toBe(3)
    expect(comparison.matched).toBe(1)
    expect(comparison.onlyInCashnet).toEqual([
      { line: 3, tx: 'T2', date: '2026-12-01', amountCents: 999, note: 'here for 5.00, not 9.99' },
      {
        line: 4,
        tx: 'T3',
        date: '2026-12-01',
        amountCents: 100,
        note: 'no verified postback here for this transaction',
      },
    ])
    expect(comparison.onlyHere).toEqual([
      { tx: 'T5', date: '2026-12-01', amountCents: 300, checkoutId: 'c-T5' },
    ])
  })
})

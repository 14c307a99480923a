import { describe, expect, it } from 'vitest'
import type { ReconciliationLine } from '../../../server/reconciliation/lines.ts'
import { reconciliationReport } from '../../../server/reconciliation/report.ts'

function line(overrides: Partial<ReconciliationLine>): ReconciliationLine {
  return {
    date: '2026-12-01',
    institution: 'I',
    cashnetTx: 'T1',
    batchno: null,
    checkoutId: 'c1',
    channel: 'kiosk:k1',
    itemCode: 'LIB-FINE',
    almaUserId: 'p1',
    almaFeeId: 'f1',
    feeType: 'OVERDUEFINE',
    amountCents: 1000,
    postedCents: 1000,
    almaPostedAt: null,
    almaStatus: 'posted',
    exceptionId: null,
    openExceptionCents: 0,
    ...overrides,
  }
}

describe('server/reconciliation: the report', () => {
  it('groups by day and item code, counting transactions (not lines), and lists every difference', () => {
    const report = reconciliationReport(
      [
        line({ amountCents: 1250, postedCents: 1250 }),
        line({ amountCents: 525, postedCents: 525, almaFeeId: 'f2' }),
        line({
          cashnetTx: 'T2',
          checkoutId: 'c2',
          itemCode: 'LIB-LOST',
          amountCents: 2500,
          postedCents: 0,
          almaStatus: 'pending',
        }),
        line({
          cashnetTx: 'T3',
          checkoutId: null,
          itemCode: '',
          amountCents: 750,
          postedCents: 300,
          almaStatus: 'exception',
          exceptionId: 9,
          openExceptionCents: 450,
        }),
        line({
          date: '2026-12-02',
          cashnetTx: 'T4',
          checkoutId: 'c4',
          amountCents: 100,
          postedCents: 100,
        }),
      ],
      { from: '2026-12-01', to: '2026-12-02' },
    )
    expect(report.rows).toEqual([
      {
        date: '2026-12-01',
        itemCode: '',
        cashnetCount: 1,
        cashnetCents: 750,
        postedCents: 300,
        openExceptionCents: 450,
      },
      {
        date: '2026-12-01',
        itemCode: 'LIB-FINE',
        cashnetCount: 1,
        cashnetCents: 1775,
        postedCents: 1775,
        openExceptionCents: 0,
      },
      {
        date: '2026-12-01',
        itemCode: 'LIB-LOST',
        cashnetCount: 1,
        cashnetCents: 2500,
        postedCents: 0,
        openExceptionCents: 0,
      },
      {
        date: '2026-12-02',
        itemCode: 'LIB-FINE',
        cashnetCount: 1,
        cashnetCents: 100,
        postedCents: 100,
        openExceptionCents: 0,
      },
    ])
    expect(report.totals).toEqual({
      cashnetCount: 4,
      cashnetCents: 5125,
      postedCents: 2175,
      openExceptionCents: 450,
    })
    expect(report.differences).toEqual([
      {
        date: '2026-12-01',
        checkoutId: 'c2',
        cashnetTx: 'T2',
        itemCode: 'LIB-LOST',
        cashnetCents: 2500,
        postedCents: 0,
        reason: 'still being posted to Alma',
        exceptionId: null,
      },
      {
        date: '2026-12-01',
        checkoutId: null,
        cashnetTx: 'T3',
        itemCode: null,
        cashnetCents: 750,
        postedCents: 300,
        reason: 'part of it could not be applied (exception open)',
        exceptionId: 9,
      },
    ])
  })
})

/**
 * Reconciliation (supervisors): for a range of days, what CashNet took and what reached Alma per
 * day and CashNet item code, every difference with its reason, the CSV for the bursar, and CashNet's
 * own report uploaded and compared with ours (with its columns mapped and its bad rows named).
 */
import { useId, useState, type SubmitEvent } from 'react'
import { Link } from 'react-router'
import {
  cashnetReportMappingSchema,
  dateRangeQuerySchema,
  type CashnetReportComparison,
  type Reconciliation as Report,
} from '../../../../common/staffApi.ts'
import { routeUrl } from '../api/staffApi.ts'
import { errorMessage, StaffApiError } from '../api/staffApiError.ts'
import { ErrorNotice, Loading } from '../components/Notice.tsx'
import { PageTitle } from '../components/PageTitle.tsx'
import { money } from '../format.ts'
import { useApi } from '../session/session.tsx'
import { useLoad } from '../useLoad.ts'
import { TableWrap } from '../components/TableWrap.tsx'

/** `YYYY-MM-DD` of a local date. */
function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

function lastWeek(): { from: string; to: string } {
  const to = new Date()
  const from = new Date(to)
  from.setDate(from.getDate() - 6)
  return { from: isoDay(from), to: isoDay(to) }
}

export function Reconciliation() {
  const api = useApi()
  const [range, setRange] = useState(lastWeek)
  const [draft, setDraft] = useState(range)
  const [rangeError, setRangeError] = useState<string | null>(null)
  const ids = { from: useId(), to: useId(), error: useId() }
  const report = useLoad(
    (signal) => api.call('reconciliation', { query: range }, signal),
    [range.from, range.to],
  )

  function apply(event: SubmitEvent) {
    event.preventDefault()
    const parsed = dateRangeQuerySchema.safeParse(draft)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      setRangeError(
        `${issue?.path[0] === 'to' ? 'To' : 'From'} ${issue?.message ?? 'is not valid'}`,
      )
      return
    }
    setRangeError(null)
    setRange({ from: parsed.data.from, to: parsed.data.to })
  }

  return (
    <section className="screen">
      <PageTitle>Reconciliation</PageTitle>
      <form className="filters" onSubmit={apply} noValidate aria-label="Date range">
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input
            id={ids.from}
            type="date"
            value={draft.from}
            aria-describedby={rangeError ? ids.error : undefined}
            onChange={(event) => {
              setDraft((current) => ({ ...current, from: event.target.value }))
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To</label>
          <input
            id={ids.to}
            type="date"
            value={draft.to}
            aria-describedby={rangeError ? ids.error : undefined}
            onChange={(event) => {
              setDraft((current) => ({ ...current, to: event.target.value }))
            }}
          />
        </div>
        <div className="filter-actions button-row">
          <button type="submit" className="button button-primary">
            Show
          </button>
          <a className="button" href={routeUrl('reconciliationCsv', { query: range })} download>
            Download CSV
          </a>
        </div>
      </form>
      {rangeError && (
        <p className="field-error" role="alert" id={ids.error}>
          {rangeError}
        </p>
      )}
      {report.status === 'error' && <ErrorNotice error={report.error} />}
      {!report.data && report.status === 'loading' && <Loading what="the reconciliation" />}
      {report.data && <ReportView report={report.data} />}
      <CashnetReportUpload range={range} />
    </section>
  )
}

function ReportView({ report }: { report: Report }) {
  const { totals } = report
  return (
    <>
      <h2>Totals per day and item code</h2>
      <TableWrap label="CashNet and Alma totals per day and item code">
        <table className="data-table">
          <caption className="visually-hidden">
            CashNet and Alma totals per day and item code, {report.from} to {report.to}
          </caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Item code</th>
              <th scope="col" className="numeric">
                CashNet payments
              </th>
              <th scope="col" className="numeric">
                CashNet took
              </th>
              <th scope="col" className="numeric">
                Posted to Alma
              </th>
              <th scope="col" className="numeric">
                In open exceptions
              </th>
              <th scope="col" className="numeric">
                Difference
              </th>
            </tr>
          </thead>
          <tbody>
            {report.rows.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  No payments in these days.
                </td>
              </tr>
            )}
            {report.rows.map((row) => (
              <tr key={`${row.date}-${row.itemCode}`}>
                <th scope="row">{row.date}</th>
                <td>{row.itemCode}</td>
                <td className="numeric">{row.cashnetCount}</td>
                <td className="numeric">{money(row.cashnetCents)}</td>
                <td className="numeric">{money(row.postedCents)}</td>
                <td className="numeric">{money(row.openExceptionCents)}</td>
                <td className="numeric">{money(row.cashnetCents - row.postedCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Total
              </th>
              <td className="numeric">{totals.cashnetCount}</td>
              <td className="numeric">{money(totals.cashnetCents)}</td>
              <td className="numeric">{money(totals.postedCents)}</td>
              <td className="numeric">{money(totals.openExceptionCents)}</td>
              <td className="numeric">{money(totals.cashnetCents - totals.postedCents)}</td>
            </tr>
          </tfoot>
        </table>
      </TableWrap>

      <h2>Differences</h2>
      {report.differences.length === 0 ? (
        <p>None: everything CashNet took reached Alma.</p>
      ) : (
        <TableWrap label="Payments where CashNet and Alma differ">
          <table className="data-table">
            <caption className="visually-hidden">Payments where CashNet and Alma differ</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Payment</th>
                <th scope="col">Item code</th>
                <th scope="col" className="numeric">
                  CashNet took
                </th>
                <th scope="col" className="numeric">
                  Posted
                </th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {report.differences.map((difference, index) => (
                <tr key={`${difference.cashnetTx ?? ''}-${difference.checkoutId ?? ''}-${index}`}>
                  <td>{difference.date}</td>
                  <td>
                    {difference.checkoutId ? (
                      <Link to={`/payments/${encodeURIComponent(difference.checkoutId)}`}>
                        {difference.cashnetTx ?? difference.checkoutId}
                      </Link>
                    ) : (
                      (difference.cashnetTx ?? '—')
                    )}
                  </td>
                  <td>{difference.itemCode ?? '—'}</td>
                  <td className="numeric">{money(difference.cashnetCents)}</td>
                  <td className="numeric">{money(difference.postedCents)}</td>
                  <td>
                    {difference.reason}
                    {difference.exceptionId !== null && (
                      <span className="sub">
                        <Link to="/exceptions">Exception {difference.exceptionId}</Link>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  )
}

const defaultMapping = cashnetReportMappingSchema.parse({})

function CashnetReportUpload({ range }: { range: { from: string; to: string } }) {
  const api = useApi()
  const [file, setFile] = useState<File | null>(null)
  const [mapping, setMapping] = useState(defaultMapping)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<CashnetReportComparison | null>(null)
  const [failure, setFailure] = useState<{ message: string; lines: StaffApiError['lines'] } | null>(
    null,
  )
  const ids = { file: useId(), tx: useId(), amount: useId(), date: useId() }

  async function compare(event: SubmitEvent) {
    event.preventDefault()
    setResult(null)
    setFailure(null)
    if (!file) {
      setFailure({ message: 'Choose the CashNet report (a CSV file) first.', lines: [] })
      return
    }
    setBusy(true)
    try {
      setResult(
        await api.call('cashnetReport', {
          query: { ...range, ...mapping },
          csv: await file.text(),
        }),
      )
    } catch (error) {
      setFailure({
        message: errorMessage(error),
        lines: error instanceof StaffApiError ? error.lines : [],
      })
    } finally {
      setBusy(false)
    }
  }

  const column = (name: keyof typeof mapping, label: string) => (
    <div className="field">
      <label htmlFor={ids[name]}>{label}</label>
      <input
        id={ids[name]}
        value={mapping[name]}
        onChange={(event) => {
          setMapping((current) => ({ ...current, [name]: event.target.value }))
        }}
      />
    </div>
  )

  return (
    <section aria-labelledby="upload-heading">
      <h2 id="upload-heading">Compare with CashNet&apos;s report</h2>
      <p>
        Upload CashNet&apos;s transaction report for {range.from} to {range.to} (CSV). Name the
        report&apos;s columns if they differ from CashNet&apos;s usual headings.
      </p>
      <form className="filters" onSubmit={(event) => void compare(event)} noValidate>
        <div className="field field-wide">
          <label htmlFor={ids.file}>CashNet report (CSV)</label>
          <input
            id={ids.file}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null)
            }}
          />
        </div>
        <fieldset className="mapping">
          <legend>Column mapping</legend>
          {column('tx', 'Transaction number column')}
          {column('amount', 'Amount column')}
          {column('date', 'Date column')}
        </fieldset>
        <div className="filter-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Comparing…' : 'Compare'}
          </button>
        </div>
      </form>
      {failure && (
        <div className="notice notice-error" role="alert">
          <p>{failure.message}</p>
          {failure.lines.length > 0 && (
            <ul>
              {failure.lines.map((line) => (
                <li key={line.line}>
                  Line {line.line}: {line.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {result && <Comparison result={result} />}
    </section>
  )
}

function Comparison({ result }: { result: CashnetReportComparison }) {
  return (
    <div className="comparison">
      <p role="status" className="notice notice-ok">
        {result.rows} rows read, {result.matched} matched, {result.onlyInCashnet.length} only in
        CashNet&apos;s report, {result.onlyHere.length} only here.
      </p>
      {result.onlyInCashnet.length > 0 && (
        <>
          <h3>Only in CashNet&apos;s report</h3>
          <TableWrap label="Rows of CashNet's report not found here">
            <table className="data-table">
              <caption className="visually-hidden">
                Rows of CashNet&apos;s report not found here
              </caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Transaction</th>
                  <th scope="col">Day</th>
                  <th scope="col" className="numeric">
                    Amount
                  </th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {result.onlyInCashnet.map((row) => (
                  <tr key={`${row.line}`}>
                    <td>{row.line}</td>
                    <td>{row.tx}</td>
                    <td>{row.date}</td>
                    <td className="numeric">{money(row.amountCents)}</td>
                    <td>{row.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
      {result.onlyHere.length > 0 && (
        <>
          <h3>Only here</h3>
          <TableWrap label="Payments verified here that CashNet's report lacks">
            <table className="data-table">
              <caption className="visually-hidden">
                Payments verified here that CashNet&apos;s report lacks
              </caption>
              <thead>
                <tr>
                  <th scope="col">Transaction</th>
                  <th scope="col">Day</th>
                  <th scope="col" className="numeric">
                    Amount
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.onlyHere.map((row) => (
                  <tr key={row.tx}>
                    <td>
                      {row.checkoutId ? (
                        <Link to={`/payments/${encodeURIComponent(row.checkoutId)}`}>{row.tx}</Link>
                      ) : (
                        row.tx
                      )}
                    </td>
                    <td>{row.date}</td>
                    <td className="numeric">{money(row.amountCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </div>
  )
}

/**
 * One payment: who, how much, through which channel, each fee line and what became of it in Alma,
 * and the timeline (checkout, CashNet's postbacks, Alma attempts, exceptions). CashNet's desk return
 * lands here too: while the payment is still on its way the page looks again every few seconds.
 */
import { useEffect } from 'react'
import { Link, useParams } from 'react-router'
import type { PaymentDetail as Detail } from '../../../../common/staffApi.ts'
import { ErrorNotice, Loading } from '../components/Notice.tsx'
import { PageTitle } from '../components/PageTitle.tsx'
import { StatusBadge } from '../components/StatusBadge.tsx'
import { channelLabel, feeName, money, when, words } from '../format.ts'
import { useApi } from '../session/session.tsx'
import { useLoad } from '../useLoad.ts'
import { TableWrap } from '../components/TableWrap.tsx'

const refreshMs = 3_000

export function PaymentDetail() {
  const api = useApi()
  const { checkoutId = '' } = useParams()
  const payment = useLoad(
    (signal) => api.call('payment', { params: { checkoutId } }, signal),
    [checkoutId],
  )
  const waiting = payment.data?.status === 'pending' || payment.data?.status === 'paid'
  const { reload } = payment
  useEffect(() => {
    if (!waiting) return
    const timer = setTimeout(reload, refreshMs)
    return () => {
      clearTimeout(timer)
    }
  }, [waiting, reload, payment.data])

  return (
    <section className="screen">
      <p className="breadcrumb">
        <Link to="/payments">Payments</Link>
      </p>
      <PageTitle>Payment {checkoutId}</PageTitle>
      {payment.status === 'error' && <ErrorNotice error={payment.error} />}
      {!payment.data && payment.status === 'loading' && <Loading what="the payment" />}
      {payment.data && <PaymentView payment={payment.data} waiting={waiting} />}
    </section>
  )
}

function PaymentView({ payment, waiting }: { payment: Detail; waiting: boolean }) {
  return (
    <>
      {waiting && (
        <p className="notice notice-warn" role="status">
          {payment.status === 'pending'
            ? 'Waiting for CashNet to confirm the payment…'
            : 'CashNet took the payment; posting it to Alma…'}
        </p>
      )}
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={payment.status} />
          </dd>
        </div>
        <div>
          <dt>Amount</dt>
          <dd>{money(payment.amountCents)}</dd>
        </div>
        <div>
          <dt>Patron</dt>
          <dd>
            {payment.patron.name ?? '—'} <span className="sub">{payment.patron.primaryId}</span>
          </dd>
        </div>
        <div>
          <dt>Channel</dt>
          <dd>{channelLabel(payment.channel)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{when(payment.createdAt)}</dd>
        </div>
        <div>
          <dt>CashNet transaction</dt>
          <dd>{payment.cashnetTx ?? '—'}</dd>
        </div>
      </dl>

      <h2>Fees paid</h2>
      <TableWrap label="Fee lines of this payment">
        <table className="data-table">
          <caption className="visually-hidden">Fee lines of this payment</caption>
          <thead>
            <tr>
              <th scope="col">Fee</th>
              <th scope="col">Item code</th>
              <th scope="col">In Alma</th>
              <th scope="col">Posted</th>
              <th scope="col" className="numeric">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {payment.lines.map((line) => (
              <tr key={line.feeId}>
                <td>
                  {feeName({ type: line.feeType, description: line.description })}
                  <span className="sub">{line.feeId}</span>
                </td>
                <td>{line.itemCode ?? '—'}</td>
                <td>
                  <StatusBadge status={line.almaStatus} />
                </td>
                <td>{when(line.postedAt)}</td>
                <td className="numeric">{money(line.amountCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>

      <h2>Timeline</h2>
      <ol className="timeline">
        {payment.timeline.map((entry, index) => (
          <li key={`${entry.at}-${index}`}>
            <p>
              <time dateTime={entry.at}>{when(entry.at)}</time>{' '}
              <span className="timeline-type">{words(entry.type)}</span>
            </p>
            <p>{entry.summary}</p>
            {Object.keys(entry.detail).length > 0 && (
              <details>
                <summary>Details</summary>
                <dl className="detail-list">
                  {Object.entries(entry.detail).map(([name, value]) => (
                    <div key={name}>
                      <dt>{name}</dt>
                      <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            )}
          </li>
        ))}
      </ol>
    </>
  )
}

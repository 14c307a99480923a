/**
 * A desk payment in progress: CashNet's page is open in another tab; this follows the payment by
 * long-polling its state (as the kiosk does) until it is posted, failed, cancelled or expired, and
 * then shows the receipt, printable.
 */
import { useEffect, useState } from 'react'
import { Link } from 'react-router'
import {
  finalCheckoutStatuses,
  type CheckoutCreated,
  type CheckoutState,
} from '../../../../common/api.ts'
import { errorMessage, StaffApiError } from '../api/staffApiError.ts'
import { StatusBadge } from '../components/StatusBadge.tsx'
import { money, when } from '../format.ts'
import { useApi } from '../session/session.tsx'

const waitSeconds = 25
const retryMs = 2_000

const progress: Record<CheckoutState['status'], string> = {
  pending: 'Waiting for the payment on the CashNet page…',
  paid: 'CashNet took the payment. Posting it to Alma…',
  posted: 'Paid and posted to Alma.',
  posted_with_exceptions: 'Paid. Part of it could not be posted to Alma: it is in Exceptions.',
  failed: 'The payment did not go through.',
  cancelled: 'The payment was cancelled.',
  expired: 'The payment page expired before anything was paid.',
}

export function DeskPayment({
  created,
  patronName,
  onDone,
}: {
  created: CheckoutCreated
  patronName: string
  onDone: () => void
}) {
  const api = useApi()
  const [state, setState] = useState<CheckoutState | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [cancelling, setCancelling] = useState(false)
  const status = state?.status ?? 'pending'
  const final = finalCheckoutStatuses.includes(status)

  useEffect(() => {
    const controller = new AbortController()
    let known: CheckoutState['status'] | undefined
    const stopped = () => controller.signal.aborted
    async function follow() {
      while (!stopped()) {
        try {
          const next = await api.call(
            'deskCheckoutState',
            {
              params: { checkoutId: created.checkoutId },
              query: known ? { status: known, wait: waitSeconds } : {},
            },
            controller.signal,
          )
          setProblem(null)
          setState(next)
          known = next.status
          if (finalCheckoutStatuses.includes(next.status)) return
        } catch (error) {
          if (stopped()) return
          if (error instanceof StaffApiError && error.kind === 'unauthorized') return
          setProblem(`${errorMessage(error)} Trying again…`)
          await new Promise((resolve) => setTimeout(resolve, retryMs))
        }
      }
    }
    void follow()
    return () => {
      controller.abort()
    }
  }, [api, created.checkoutId])

  async function cancel() {
    setCancelling(true)
    try {
      setState(await api.call('cancelDeskCheckout', { params: { checkoutId: created.checkoutId } }))
    } catch (error) {
      setProblem(errorMessage(error))
    } finally {
      setCancelling(false)
    }
  }

  const receipt = state?.receipt
  return (
    <section className="desk-payment" aria-labelledby="desk-payment-heading">
      <h2 id="desk-payment-heading" className="no-print">
        Payment of {money(created.amountCents)}
      </h2>
      <p className="progress no-print" role="status">
        <StatusBadge status={status} /> {state?.message ?? progress[status]}
      </p>
      {problem && (
        <p className="notice notice-warn no-print" role="alert">
          {problem}
        </p>
      )}
      {status === 'pending' && (
        <div className="no-print desk-payment-actions">
          <p>
            The CashNet page opened in a new tab.{' '}
            <a href={created.checkoutUrl} target="_blank" rel="noopener noreferrer">
              Open the CashNet page again (new tab)
            </a>
          </p>
          <button
            type="button"
            className="button"
            disabled={cancelling}
            onClick={() => void cancel()}
          >
            {cancelling ? 'Cancelling…' : 'Cancel this payment'}
          </button>
        </div>
      )}
      {receipt && (
        <article className="receipt" aria-labelledby="receipt-heading">
          <h2 id="receipt-heading">Receipt</h2>
          <dl className="facts">
            <div>
              <dt>Patron</dt>
              <dd>{patronName}</dd>
            </div>
            <div>
              <dt>Amount paid</dt>
              <dd>{money(receipt.amountCents)}</dd>
            </div>
            <div>
              <dt>CashNet transaction</dt>
              <dd>{receipt.transactionId}</dd>
            </div>
            <div>
              <dt>Posted to Alma</dt>
              <dd>{when(receipt.postedAt)}</dd>
            </div>
          </dl>
          <table className="data-table">
            <caption className="visually-hidden">Fees paid</caption>
            <thead>
              <tr>
                <th scope="col">Fee</th>
                <th scope="col" className="numeric">
                  Paid
                </th>
                <th scope="col" className="numeric">
                  Still owed
                </th>
              </tr>
            </thead>
            <tbody>
              {receipt.lines.map((line) => (
                <tr key={line.feeId}>
                  <td>
                    {line.description}
                    {line.title && <span className="sub">{line.title}</span>}
                  </td>
                  <td className="numeric">{money(line.amountCents)}</td>
                  <td className="numeric">{money(line.remainingCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {receipt.unappliedCents > 0 && (
            <p>
              {money(receipt.unappliedCents)} could not be applied to a fee; staff will finish it
              (reference {receipt.exceptionReference ?? '—'}).
            </p>
          )}
          {receipt.remainingBalanceCents !== null && (
            <p>
              Remaining balance: <strong>{money(receipt.remainingBalanceCents)}</strong>
            </p>
          )}
        </article>
      )}
      {final && (
        <div className="desk-payment-actions no-print">
          {receipt && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                window.print()
              }}
            >
              Print receipt
            </button>
          )}
          <Link to={`/payments/${encodeURIComponent(created.checkoutId)}`}>Payment details</Link>
          <button type="button" className="button" onClick={onDone}>
            Look up another patron
          </button>
        </div>
      )}
    </section>
  )
}

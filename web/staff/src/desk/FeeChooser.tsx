/**
 * The patron's fees at the desk: tick the fees to pay (all by default), optionally a smaller
 * amount, spread oldest fee first by the kiosk's own rule (`common/allocation.ts`) so staff see
 * the split the service will post.
 */
import { useId, useState } from 'react'
import {
  allocateOldestFirst,
  AllocationError,
  sumBalances,
  type AllocationLine,
} from '../../../../common/allocation.ts'
import type { CheckoutRequest, LookupResponse } from '../../../../common/api.ts'
import { centsFromDecimalString } from '../../../../common/money.ts'
import { feeName, money } from '../format.ts'
import { TableWrap } from '../components/TableWrap.tsx'

export interface FeeChoice {
  request: Omit<CheckoutRequest, 'lookupId'>
  amountCents: number
  lines: AllocationLine[]
}

/** What was chosen, or why it cannot be paid; pure so the screen and its tests agree. */
function chooseFees(
  lookup: LookupResponse,
  selected: ReadonlySet<string>,
  partial: string | null,
): FeeChoice | { problem: string } {
  const fees = lookup.fees.filter((fee) => selected.has(fee.id))
  if (fees.length === 0) return { problem: 'Choose at least one fee.' }
  const total = sumBalances(fees)
  const amountCents = partial === null ? total : centsFromDecimalString(partial.trim())
  if (amountCents === null || amountCents <= 0) {
    return { problem: 'Enter an amount in dollars and cents, such as 10.00.' }
  }
  try {
    const lines = allocateOldestFirst(fees, amountCents)
    const all = fees.length === lookup.fees.length
    return {
      amountCents,
      lines,
      request: {
        ...(all ? {} : { feeIds: fees.map((fee) => fee.id) }),
        ...(partial === null ? {} : { amountCents }),
      },
    }
  } catch (error) {
    if (error instanceof AllocationError && error.kind === 'exceeds_balance') {
      return { problem: `The amount is more than the chosen fees' total, ${money(total)}.` }
    }
    throw error
  }
}

export function FeeChooser({
  lookup,
  busy,
  onPay,
}: {
  lookup: LookupResponse
  busy: boolean
  onPay: (choice: FeeChoice) => void
}) {
  const [selected, setSelected] = useState<Set<string>>(
    () => new Set(lookup.fees.map((fee) => fee.id)),
  )
  const [partial, setPartial] = useState<string | null>(null)
  const [shown, setShown] = useState(false)
  const amountId = useId()
  const problemId = useId()
  const choice = chooseFees(lookup, selected, partial)
  const problem = 'problem' in choice ? choice.problem : null

  if (lookup.fees.length === 0 && lookup.feesBeingPosted.length === 0) {
    return <p className="notice notice-ok">This patron owes nothing.</p>
  }
  const byId = new Map(lookup.fees.map((fee) => [fee.id, fee]))

  return (
    <form
      className="fee-chooser"
      onSubmit={(event) => {
        event.preventDefault()
        setShown(true)
        if (!('problem' in choice)) onPay(choice)
      }}
      noValidate
    >
      <fieldset>
        <legend>Fees to pay</legend>
        <TableWrap label="The patron's fees, oldest first">
          <table className="data-table">
            <caption className="visually-hidden">The patron's fees, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Pay</th>
                <th scope="col">Fee</th>
                <th scope="col">Since</th>
                <th scope="col" className="numeric">
                  Owed
                </th>
              </tr>
            </thead>
            <tbody>
              {lookup.fees.map((fee) => (
                <tr key={fee.id}>
                  <td>
                    <input
                      type="checkbox"
                      id={`fee-${fee.id}`}
                      checked={selected.has(fee.id)}
                      onChange={(event) => {
                        const next = new Set(selected)
                        if (event.target.checked) next.add(fee.id)
                        else next.delete(fee.id)
                        setSelected(next)
                      }}
                    />
                  </td>
                  <td>
                    <label htmlFor={`fee-${fee.id}`}>
                      {feeName(fee)}
                      {fee.title && <span className="sub">{fee.title}</span>}
                    </label>
                  </td>
                  <td>{new Date(fee.createdAt).toLocaleDateString('en-US')}</td>
                  <td className="numeric">{money(fee.balanceCents)}</td>
                </tr>
              ))}
              {lookup.feesBeingPosted.map((fee) => (
                <tr key={fee.id} className="being-posted">
                  <td>—</td>
                  <td>
                    {feeName(fee)}
                    <span className="sub">
                      {money(fee.postingCents)} paid, being posted to Alma: not payable now
                    </span>
                  </td>
                  <td>{new Date(fee.createdAt).toLocaleDateString('en-US')}</td>
                  <td className="numeric">{money(fee.balanceCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </fieldset>

      <fieldset className="amount-choice">
        <legend>Amount</legend>
        <label className="radio-row">
          <input
            type="radio"
            name="amount"
            checked={partial === null}
            onChange={() => {
              setPartial(null)
            }}
          />
          <span>
            The chosen fees in full:{' '}
            {money(sumBalances(lookup.fees.filter((fee) => selected.has(fee.id))))}
          </span>
        </label>
        <label className="radio-row">
          <input
            type="radio"
            name="amount"
            checked={partial !== null}
            onChange={() => {
              setPartial('')
            }}
          />
          <span>A different amount (applied oldest fee first)</span>
        </label>
        {partial !== null && (
          <div className="field">
            <label htmlFor={amountId}>Amount in dollars</label>
            <input
              id={amountId}
              inputMode="decimal"
              value={partial}
              aria-invalid={shown && problem ? true : undefined}
              aria-describedby={shown && problem ? problemId : undefined}
              onChange={(event) => {
                setPartial(event.target.value)
              }}
            />
          </div>
        )}
      </fieldset>

      {!('problem' in choice) && (
        <div className="allocation" aria-live="polite">
          <p>
            <strong>{money(choice.amountCents)}</strong> goes to:
          </p>
          <ul>
            {choice.lines.map((line) => {
              const fee = byId.get(line.feeId)
              return (
                <li key={line.feeId}>
                  {fee ? feeName(fee) : line.feeId}: {money(line.amountCents)}
                </li>
              )
            })}
          </ul>
        </div>
      )}
      {shown && problem && (
        <p className="field-error" id={problemId} role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? 'Starting…' : 'Take payment here'}
      </button>
    </form>
  )
}

/**
 * Resolving an exception (supervisors): choose what was done — apply the money to one of the
 * patron's fees, post it to Alma again, record CashNet's refund, or write it off — with a note,
 * then confirm. The request is checked with the service's own schema before it is sent.
 */
import { useId, useState, type SubmitEvent } from 'react'
import {
  resolveRequestSchema,
  type PatronFees,
  type ResolutionAction,
  type ResolveRequest,
  type StaffException,
} from '../../../../common/staffApi.ts'
import { errorMessage, StaffApiError } from '../api/staffApiError.ts'
import { Dialog } from '../components/Dialog.tsx'
import { feeName, money, words } from '../format.ts'
import { useApi } from '../session/session.tsx'
import { useLoad } from '../useLoad.ts'

const actionLabels: Record<ResolutionAction, string> = {
  apply_to_fee: 'Apply the money to a fee',
  retry_posting: 'Post to Alma again',
  refunded: 'Refunded in CashNet',
  written_off: 'Write off',
}

type FieldErrors = Partial<Record<'action' | 'feeId' | 'patronId' | 'reference' | 'note', string>>

export function ResolveDialog({
  exception,
  onClose,
  onResolved,
}: {
  exception: StaffException
  onClose: () => void
  onResolved: (resolved: StaffException) => void
}) {
  const api = useApi()
  const [action, setAction] = useState<ResolutionAction>(exception.actions[0] ?? 'written_off')
  const [note, setNote] = useState('')
  const [reference, setReference] = useState('')
  const [feeId, setFeeId] = useState('')
  const [patronId, setPatronId] = useState('')
  // Whose fees to show for "apply to a fee": the payment's patron, or one staff name.
  const [feesOf, setFeesOf] = useState<string | null>(null)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [confirming, setConfirming] = useState<ResolveRequest | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const ids = {
    action: useId(),
    note: useId(),
    reference: useId(),
    patronId: useId(),
    fees: useId(),
  }

  const wantsFees = action === 'apply_to_fee' && (exception.patron !== null || feesOf !== null)
  const feesLoad = useLoad(
    (signal) =>
      wantsFees
        ? api.call(
            'exceptionFees',
            { params: { id: exception.id }, query: feesOf ? { patronId: feesOf } : {} },
            signal,
          )
        : Promise.resolve(null),
    [wantsFees, feesOf, exception.id],
  )
  const fees: PatronFees | null = feesLoad.status === 'ready' ? feesLoad.data : null
  const feesError = feesLoad.status === 'error' ? errorMessage(feesLoad.error) : null
  // The first fee is chosen until staff choose another.
  const chosenFeeId = feeId !== '' ? feeId : (fees?.fees[0]?.id ?? '')

  function chooseAction(next: ResolutionAction) {
    setAction(next)
    setErrors({})
  }

  function review(event: SubmitEvent) {
    event.preventDefault()
    const request = {
      action,
      note,
      ...(action === 'apply_to_fee' ? { feeId: chosenFeeId || undefined } : {}),
      ...(action === 'apply_to_fee' && !exception.patron && patronId ? { patronId } : {}),
      ...(action === 'refunded' ? { reference: reference || undefined } : {}),
    }
    const parsed = resolveRequestSchema.safeParse(request)
    if (!parsed.success) {
      const found: FieldErrors = {}
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[0] ?? 'note') as keyof FieldErrors
        found[name] ??= issue.message
      }
      setErrors(found)
      return
    }
    setErrors({})
    setConfirming(parsed.data)
  }

  async function confirm() {
    if (!confirming) return
    setBusy(true)
    setFailure(null)
    try {
      onResolved(
        await api.call('resolveException', { params: { id: exception.id }, body: confirming }),
      )
    } catch (error) {
      setFailure(
        error instanceof StaffApiError && error.field
          ? `${error.message} (${error.field})`
          : errorMessage(error),
      )
      setBusy(false)
      setConfirming(null)
    }
  }

  const chosenFee = fees?.fees.find((fee) => fee.id === chosenFeeId)
  const amount = exception.amountCents === null ? 'the money' : money(exception.amountCents)

  return (
    <Dialog title={`Resolve ${exception.reference}`} onClose={onClose}>
      <p className="dialog-lead">
        {words(exception.kind)}: {exception.reason}
      </p>
      {failure && (
        <p className="notice notice-error" role="alert">
          {failure}
        </p>
      )}
      {confirming ? (
        <div className="confirm">
          <p role="status">
            {confirming.action === 'apply_to_fee' && chosenFee
              ? `Apply ${amount} to ${feeName(chosenFee)} (${money(chosenFee.balanceCents)} owed, fee ${chosenFee.id})?`
              : confirming.action === 'retry_posting'
                ? `Post ${amount} to Alma again?`
                : confirming.action === 'refunded'
                  ? `Record that ${amount} was refunded in CashNet (reference ${confirming.reference ?? ''})?`
                  : `Write off ${amount}? It will not be posted to Alma.`}{' '}
            This is recorded with your name and cannot be undone.
          </p>
          <div className="dialog-actions">
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setConfirming(null)
              }}
            >
              Back
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={busy}
              onClick={() => void confirm()}
            >
              {busy ? 'Resolving…' : 'Confirm'}
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={review} noValidate>
          <div className="field">
            <label htmlFor={ids.action}>What was done</label>
            <select
              id={ids.action}
              value={action}
              onChange={(event) => {
                chooseAction(event.target.value as ResolutionAction)
              }}
            >
              {exception.actions.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {actionLabels[candidate]}
                </option>
              ))}
            </select>
          </div>

          {action === 'apply_to_fee' && (
            <>
              {!exception.patron && (
                <div className="field">
                  <label htmlFor={ids.patronId}>Patron (Alma user id)</label>
                  <div className="inline">
                    <input
                      id={ids.patronId}
                      value={patronId}
                      aria-invalid={errors.patronId ? true : undefined}
                      onChange={(event) => {
                        setPatronId(event.target.value)
                      }}
                    />
                    <button
                      type="button"
                      className="button"
                      onClick={() => {
                        setFeesOf(patronId.trim() || null)
                      }}
                    >
                      Show fees
                    </button>
                  </div>
                </div>
              )}
              {feesError && (
                <p className="notice notice-error" role="alert">
                  {feesError}
                </p>
              )}
              {fees && (
                <fieldset
                  className="fee-choice"
                  aria-describedby={errors.feeId ? ids.fees : undefined}
                >
                  <legend>
                    Fee of {fees.patron.name ?? fees.patron.primaryId} that takes {amount}
                  </legend>
                  {fees.fees.length === 0 && <p>This patron has no active fees.</p>}
                  {fees.fees.map((fee) => (
                    <label key={fee.id} className="radio-row">
                      <input
                        type="radio"
                        name="feeId"
                        value={fee.id}
                        checked={chosenFeeId === fee.id}
                        onChange={() => {
                          setFeeId(fee.id)
                        }}
                      />
                      <span>
                        {feeName(fee)}
                        {fee.title ? ` — ${fee.title}` : ''}{' '}
                        <span className="sub">
                          {money(fee.balanceCents)} owed · fee {fee.id}
                        </span>
                      </span>
                    </label>
                  ))}
                </fieldset>
              )}
              {errors.feeId && (
                <p className="field-error" id={ids.fees}>
                  Fee {errors.feeId}
                </p>
              )}
            </>
          )}

          {action === 'refunded' && (
            <div className="field">
              <label htmlFor={ids.reference}>CashNet refund reference</label>
              <input
                id={ids.reference}
                value={reference}
                aria-invalid={errors.reference ? true : undefined}
                aria-describedby={errors.reference ? `${ids.reference}-error` : undefined}
                onChange={(event) => {
                  setReference(event.target.value)
                }}
              />
              {errors.reference && (
                <p className="field-error" id={`${ids.reference}-error`}>
                  Reference {errors.reference}
                </p>
              )}
            </div>
          )}

          <div className="field">
            <label htmlFor={ids.note}>Note</label>
            <textarea
              id={ids.note}
              value={note}
              rows={3}
              maxLength={2000}
              aria-invalid={errors.note ? true : undefined}
              aria-describedby={errors.note ? `${ids.note}-error` : undefined}
              onChange={(event) => {
                setNote(event.target.value)
              }}
            />
            {errors.note && (
              <p className="field-error" id={`${ids.note}-error`}>
                Note {errors.note}
              </p>
            )}
          </div>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-primary">
              Review
            </button>
          </div>
        </form>
      )}
    </Dialog>
  )
}

/**
 * The circulation desk: look a patron up by Alma user id or barcode, take a card payment here
 * (CashNet opens in a new tab; this screen follows it to the posted, printable receipt), or give the
 * patron a payment link by email or QR code.
 */
import { useId, useState, type SubmitEvent } from 'react'
import type { CheckoutCreated } from '../../../../common/api.ts'
import type { DeskPatron } from '../../../../common/staffApi.ts'
import { errorMessage, StaffApiError } from '../api/staffApiError.ts'
import { PageTitle } from '../components/PageTitle.tsx'
import { DeskPayment } from '../desk/DeskPayment.tsx'
import { FeeChooser, type FeeChoice } from '../desk/FeeChooser.tsx'
import { PayLinks } from '../desk/PayLinks.tsx'
import { money } from '../format.ts'
import { useApi, useStaff } from '../session/session.tsx'

/**
 * Opens CashNet's page in a new tab. The tab is opened at once (still inside the click, so no popup
 * blocker stops it), cut off from this page, then sent to CashNet when the service answers.
 */
function openBlankTab(): Window | null {
  const tab = window.open('about:blank', '_blank')
  if (tab) tab.opener = null
  return tab
}

export function Desk() {
  const api = useApi()
  const staff = useStaff()
  const several = staff.institutions.length > 1
  const [institution, setInstitution] = useState(staff.institutions[0]?.code ?? '')
  const [patronId, setPatronId] = useState('')
  const [patron, setPatron] = useState<DeskPatron | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [payment, setPayment] = useState<CheckoutCreated | null>(null)
  const ids = { patronId: useId(), institution: useId(), error: useId() }
  const chosenInstitution = several ? institution : undefined

  async function lookUp(event?: SubmitEvent) {
    event?.preventDefault()
    setError(null)
    setPayment(null)
    if (!patronId.trim()) {
      setError('Enter an Alma user id or barcode.')
      return
    }
    setBusy(true)
    try {
      setPatron(
        await api.call('patronLookup', {
          body: { patronId: patronId.trim(), ...(several ? { institution } : {}) },
        }),
      )
    } catch (caught) {
      setPatron(null)
      setError(errorMessage(caught))
    } finally {
      setBusy(false)
    }
  }

  async function takePayment(choice: FeeChoice) {
    if (!patron) return
    setError(null)
    setBusy(true)
    const tab = openBlankTab()
    try {
      const created = await api.call('deskCheckout', {
        body: { lookupId: patron.lookup.lookupId, ...choice.request },
      })
      if (tab) tab.location.href = created.checkoutUrl
      setPayment(created)
    } catch (caught) {
      tab?.close()
      setError(
        caught instanceof StaffApiError && caught.reason === 'lookup_expired'
          ? 'The patron’s fees were looked up too long ago. Look them up again.'
          : errorMessage(caught),
      )
    } finally {
      setBusy(false)
    }
  }

  const name = patron ? (patron.patron.name ?? patron.lookup.patron.displayName) : ''

  return (
    <section className="screen desk">
      <PageTitle>Desk</PageTitle>
      <form
        className="filters desk-lookup no-print"
        onSubmit={(event) => void lookUp(event)}
        noValidate
      >
        {several && (
          <div className="field">
            <label htmlFor={ids.institution}>Library</label>
            <select
              id={ids.institution}
              value={institution}
              onChange={(event) => {
                setInstitution(event.target.value)
              }}
            >
              {staff.institutions.map((option) => (
                <option key={option.code} value={option.code}>
                  {option.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field field-wide">
          <label htmlFor={ids.patronId}>Patron (Alma user id or barcode)</label>
          <input
            id={ids.patronId}
            value={patronId}
            autoComplete="off"
            aria-invalid={error && !patron ? true : undefined}
            aria-describedby={error ? ids.error : undefined}
            onChange={(event) => {
              setPatronId(event.target.value)
            }}
          />
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Look up
          </button>
        </div>
      </form>
      {error && (
        <p className="notice notice-error" role="alert" id={ids.error}>
          {error}
        </p>
      )}

      {patron && (
        <div className="desk-patron-layout">
          <section className="desk-patron" aria-labelledby="patron-heading">
            <h2 id="patron-heading" className="no-print">
              {name} <span className="sub">{patron.patron.primaryId}</span>
            </h2>
            <ul className="no-print notices">
              {patron.lookup.patron.notices.map((notice) => (
                <li key={notice.kind} className="notice notice-warn">
                  {notice.kind === 'blocked'
                    ? `Blocked in Alma${notice.description ? `: ${notice.description}` : ''}. Paying may clear a fines block.`
                    : `Account expired on ${notice.expiredOn}.`}
                </li>
              ))}
            </ul>
            {payment ? (
              <DeskPayment
                created={payment}
                patronName={name}
                onDone={() => {
                  setPayment(null)
                  setPatron(null)
                  setPatronId('')
                }}
              />
            ) : (
              <div className="no-print">
                <p>
                  Owes <strong>{money(patron.lookup.totalCents)}</strong> that can be paid now.
                </p>
                <FeeChooser
                  key={patron.lookup.lookupId}
                  lookup={patron.lookup}
                  busy={busy}
                  onPay={(choice) => void takePayment(choice)}
                />
              </div>
            )}
          </section>
          <PayLinks patronId={patron.patron.primaryId} institution={chosenInstitution} />
        </div>
      )}
    </section>
  )
}

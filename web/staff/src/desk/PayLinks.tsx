/**
 * "Send payment link": a link to the patron's own pay page, by email (to their preferred address
 * in Alma) or as a QR code on this screen; and the patron's links with their state, to revoke.
 * The QR code is SVG markup from this service, shown as an image (never inserted as markup).
 */
import { useState } from 'react'
import type { CreatedPayLink } from '../../../../common/staffApi.ts'
import { errorMessage } from '../api/staffApiError.ts'
import { StatusBadge } from '../components/StatusBadge.tsx'
import { when, words } from '../format.ts'
import { useApi } from '../session/session.tsx'
import { useLoad } from '../useLoad.ts'
import { TableWrap } from '../components/TableWrap.tsx'

export function PayLinks({
  patronId,
  institution,
}: {
  patronId: string
  institution: string | undefined
}) {
  const api = useApi()
  const links = useLoad(
    (signal) =>
      api.call(
        'payLinks',
        { query: { patronId, ...(institution ? { institution } : {}) } },
        signal,
      ),
    [patronId, institution],
  )
  const [created, setCreated] = useState<CreatedPayLink | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)

  async function send(how: 'email' | 'qr') {
    setBusy(true)
    setMessage(null)
    setCreated(null)
    try {
      const link = await api.call('createPayLink', {
        body: { patronId, send: how, ...(institution ? { institution } : {}) },
      })
      setCreated(link)
      if (how === 'email') {
        setMessage({ error: false, text: `Payment link sent to ${link.sentTo ?? 'the patron'}.` })
      }
      links.reload()
    } catch (error) {
      setMessage({ error: true, text: errorMessage(error) })
    } finally {
      setBusy(false)
    }
  }

  async function revoke(id: number) {
    setMessage(null)
    try {
      await api.call('revokePayLink', { params: { id } })
      if (created?.id === id) setCreated(null)
      setMessage({ error: false, text: 'The link no longer works.' })
      links.reload()
    } catch (error) {
      setMessage({ error: true, text: errorMessage(error) })
    }
  }

  return (
    <section className="pay-links no-print" aria-labelledby="pay-links-heading">
      <h2 id="pay-links-heading">Send payment link</h2>
      <p>The patron pays on their own phone or computer.</p>
      <div className="button-row">
        <button type="button" className="button" disabled={busy} onClick={() => void send('email')}>
          Email the link
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void send('qr')}>
          Show a QR code
        </button>
      </div>
      {message && (
        <p
          className={`notice ${message.error ? 'notice-error' : 'notice-ok'}`}
          role={message.error ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
      {created?.qrSvg && (
        <figure className="qr">
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(created.qrSvg)}`}
            alt="QR code of the patron's payment link"
            width={240}
            height={240}
          />
          <figcaption>Scan with a phone camera. Works until {when(created.expiresAt)}.</figcaption>
        </figure>
      )}
      <h3>This patron's links</h3>
      {links.status === 'error' && (
        <p className="notice notice-error" role="alert">
          {errorMessage(links.error)}
        </p>
      )}
      {links.data?.links.length === 0 && <p>None yet.</p>}
      {links.data && links.data.links.length > 0 && (
        <TableWrap label="The patron's payment links">
          <table className="data-table">
            <caption className="visually-hidden">The patron's payment links</caption>
            <thead>
              <tr>
                <th scope="col">Made</th>
                <th scope="col">How</th>
                <th scope="col">By</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {links.data.links.map((link) => (
                <tr key={link.id}>
                  <td>{when(link.createdAt)}</td>
                  <td>{link.delivery === 'qr' ? 'QR code' : words(link.delivery)}</td>
                  <td>{link.createdBy}</td>
                  <td>{when(link.expiresAt)}</td>
                  <td>
                    <StatusBadge status={link.state} />
                  </td>
                  <td>
                    {link.state === 'active' ? (
                      <button
                        type="button"
                        className="button"
                        aria-label={`Revoke the link made ${when(link.createdAt)}`}
                        onClick={() => void revoke(link.id)}
                      >
                        Revoke
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  )
}

/**
 * Today: what came in today by channel and kiosk, the exceptions waiting for staff, whether
 * payments are reaching Alma (the oldest not yet posted, Alma's errors in the last hour), and the
 * last thirty days as a chart.
 */
import { Link } from 'react-router'
import { exceptionKinds, type Today as TodayView } from '../../../../common/staffApi.ts'
import { DaysChart } from '../components/DaysChart.tsx'
import { ErrorNotice, Loading } from '../components/Notice.tsx'
import { PageTitle } from '../components/PageTitle.tsx'
import { channelLabel, day, duration, money, words } from '../format.ts'
import { useApi } from '../session/session.tsx'
import { useLoad } from '../useLoad.ts'
import { TableWrap } from '../components/TableWrap.tsx'

/** Posting is healthy while nothing paid has waited longer than this for Alma. */
const unpostedWarningSeconds = 15 * 60

export function Today() {
  const api = useApi()
  const today = useLoad((signal) => api.call('today', {}, signal), [])
  return (
    <section className="screen">
      <PageTitle>Today</PageTitle>
      {today.status === 'error' && <ErrorNotice error={today.error} />}
      {!today.data && today.status === 'loading' && <Loading what="today's figures" />}
      {today.data && <TodayFigures today={today.data} />}
    </section>
  )
}

function TodayFigures({ today }: { today: TodayView }) {
  const count = today.byChannel.reduce((sum, row) => sum + row.count, 0)
  const cents = today.byChannel.reduce((sum, row) => sum + row.amountCents, 0)
  const open = exceptionKinds.reduce((sum, kind) => sum + today.openExceptions[kind], 0)
  const { health } = today
  const late = health.oldestUnpostedSeconds > unpostedWarningSeconds
  return (
    <>
      <p className="sub">{day(today.date)}</p>
      <div className="cards">
        <div className="card">
          <h2>Payments today</h2>
          <p className="big">{count}</p>
        </div>
        <div className="card">
          <h2>Taken today</h2>
          <p className="big">{money(cents)}</p>
        </div>
        <div className={`card ${open > 0 ? 'card-bad' : 'card-good'}`}>
          <h2>Open exceptions</h2>
          <p className="big">{open}</p>
          <Link to="/exceptions">{open > 0 ? 'Review exceptions' : 'See exceptions'}</Link>
        </div>
        <div className={`card ${late || health.almaErrorsLastHour > 0 ? 'card-bad' : 'card-good'}`}>
          <h2>Posting to Alma</h2>
          <p className="big">
            {health.unpostedCount === 0 ? 'Up to date' : `${health.unpostedCount} waiting`}
          </p>
          <p>
            {health.unpostedCount > 0 &&
              `Oldest waiting ${duration(health.oldestUnpostedSeconds)}. `}
            Alma errors in the last hour: {health.almaErrorsLastHour}
          </p>
        </div>
      </div>

      <div className="columns">
        <section aria-labelledby="by-channel">
          <h2 id="by-channel">By channel</h2>
          <SplitTable
            caption="Today's payments by channel"
            label="Channel"
            rows={today.byChannel.map((row) => ({ ...row, name: channelLabel(row.channel) }))}
          />
        </section>
        <section aria-labelledby="by-kiosk">
          <h2 id="by-kiosk">By kiosk</h2>
          <SplitTable
            caption="Today's kiosk payments by kiosk"
            label="Kiosk"
            rows={today.byKiosk.map((row) => ({ ...row, name: row.kioskId }))}
          />
        </section>
        <section aria-labelledby="open-kinds">
          <h2 id="open-kinds">Open exceptions by kind</h2>
          <ul className="kinds">
            {exceptionKinds.map((kind) => (
              <li key={kind}>
                {words(kind)}: <strong>{today.openExceptions[kind]}</strong>
              </li>
            ))}
          </ul>
        </section>
      </div>

      <h2>Last 30 days</h2>
      <DaysChart days={today.days} />
    </>
  )
}

function SplitTable({
  caption,
  label,
  rows,
}: {
  caption: string
  label: string
  rows: { name: string; count: number; amountCents: number }[]
}) {
  return (
    <TableWrap label={caption}>
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col" className="numeric">
              Payments
            </th>
            <th scope="col" className="numeric">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={3} className="empty">
                None yet today.
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.name}>
                <th scope="row">{row.name}</th>
                <td className="numeric">{row.count}</td>
                <td className="numeric">{money(row.amountCents)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </TableWrap>
  )
}

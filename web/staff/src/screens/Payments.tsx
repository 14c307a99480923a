/**
 * Payments: search (CashNet transaction, checkout id or Alma user id), filters, a paged table the
 * service sorts. The filters live in the URL, so a search can be bookmarked or shared and Back
 * returns to it.
 */
import type { ColumnDef, SortingState } from '@tanstack/react-table'
import { useId, useState, type SubmitEvent } from 'react'
import { Link, useSearchParams } from 'react-router'
import { checkoutStatuses } from '../../../../common/api.ts'
import { channelKinds, paymentSortKeys, type PaymentSummary } from '../../../../common/staffApi.ts'
import { DataTable } from '../components/DataTable.tsx'
import { ErrorNotice, Loading } from '../components/Notice.tsx'
import { PageTitle } from '../components/PageTitle.tsx'
import { StatusBadge } from '../components/StatusBadge.tsx'
import { channelLabel, money, when, words } from '../format.ts'
import { useApi } from '../session/session.tsx'
import { useLoad } from '../useLoad.ts'

const pageSize = 25
const filterNames = ['q', 'from', 'to', 'status', 'channel'] as const
type Filters = Record<(typeof filterNames)[number], string>

const columns: ColumnDef<PaymentSummary>[] = [
  {
    id: 'createdAt',
    header: 'When',
    accessorFn: (row) => row.createdAt,
    cell: ({ row }) => (
      <Link to={`/payments/${encodeURIComponent(row.original.checkoutId)}`}>
        {when(row.original.createdAt)}
      </Link>
    ),
  },
  {
    id: 'patron',
    header: 'Patron',
    enableSorting: false,
    cell: ({ row }) => (
      <>
        {row.original.patron.name ?? '—'}
        <span className="sub">{row.original.patron.primaryId}</span>
      </>
    ),
  },
  {
    id: 'channel',
    header: 'Channel',
    enableSorting: false,
    cell: ({ row }) => channelLabel(row.original.channel),
  },
  {
    id: 'cashnetTx',
    header: 'CashNet transaction',
    enableSorting: false,
    cell: ({ row }) => row.original.cashnetTx ?? '—',
  },
  {
    id: 'status',
    header: 'Status',
    accessorFn: (row) => row.status,
    cell: ({ row }) => <StatusBadge status={row.original.status} />,
  },
  {
    id: 'amountCents',
    header: 'Amount',
    accessorFn: (row) => row.amountCents,
    meta: { numeric: true },
    cell: ({ row }) => money(row.original.amountCents),
  },
]

function filtersOf(params: URLSearchParams): Filters {
  return Object.fromEntries(filterNames.map((name) => [name, params.get(name) ?? ''])) as Filters
}

export function Payments() {
  const api = useApi()
  const [params, setParams] = useSearchParams()
  const applied = filtersOf(params)
  const [draft, setDraft] = useState<Filters>(applied)
  const sortKey = paymentSortKeys.find((key) => key === params.get('sort')) ?? 'createdAt'
  const order = params.get('order') === 'asc' ? 'asc' : 'desc'
  // Cursors of the pages before this one: "Previous" goes back through them.
  const [cursors, setCursors] = useState<string[]>([])
  const cursor = cursors.at(-1)
  const ids = {
    q: useId(),
    from: useId(),
    to: useId(),
    status: useId(),
    channel: useId(),
  }

  const page = useLoad(
    (signal) =>
      api.call(
        'payments',
        {
          query: {
            q: applied.q || undefined,
            from: applied.from || undefined,
            to: applied.to || undefined,
            status: (applied.status || undefined) as PaymentSummary['status'] | undefined,
            channel: (applied.channel || undefined) as (typeof channelKinds)[number] | undefined,
            sort: sortKey,
            order,
            limit: pageSize,
            cursor,
          },
        },
        signal,
      ),
    [params.toString(), cursor],
  )

  function apply(event: SubmitEvent) {
    event.preventDefault()
    const next = new URLSearchParams()
    for (const name of filterNames) if (draft[name]) next.set(name, draft[name].trim())
    if (params.get('sort')) next.set('sort', sortKey)
    if (params.get('order')) next.set('order', order)
    setCursors([])
    setParams(next)
  }

  const sorting: SortingState = [{ id: sortKey, desc: order === 'desc' }]
  const onSorting = (update: SortingState | ((old: SortingState) => SortingState)) => {
    const [first] = typeof update === 'function' ? update(sorting) : update
    if (!first) return
    const next = new URLSearchParams(params)
    next.set('sort', first.id)
    next.set('order', first.desc ? 'desc' : 'asc')
    setCursors([])
    setParams(next)
  }

  const field = (name: keyof Filters) => ({
    id: ids[name],
    name,
    value: draft[name],
    onChange: (event: { target: { value: string } }) => {
      setDraft((current) => ({ ...current, [name]: event.target.value }))
    },
  })

  return (
    <section className="screen">
      <PageTitle>Payments</PageTitle>
      <form className="filters" role="search" aria-label="Payments" onSubmit={apply}>
        <div className="field field-wide">
          <label htmlFor={ids.q}>Search</label>
          <input {...field('q')} type="search" aria-describedby={`${ids.q}-hint`} maxLength={128} />
          <span className="hint" id={`${ids.q}-hint`}>
            CashNet transaction, checkout id or Alma user id
          </span>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input {...field('from')} type="date" />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To</label>
          <input {...field('to')} type="date" />
        </div>
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select {...field('status')}>
            <option value="">Any</option>
            {checkoutStatuses.map((status) => (
              <option key={status} value={status}>
                {words(status)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.channel}>Channel</label>
          <select {...field('channel')}>
            <option value="">Any</option>
            {channelKinds.map((kind) => (
              <option key={kind} value={kind}>
                {channelLabel(kind)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            Search
          </button>
        </div>
      </form>

      {page.status === 'error' && <ErrorNotice error={page.error} />}
      {page.status === 'loading' && !page.data && <Loading what="payments" />}
      {page.data && (
        <>
          <DataTable
            caption="Payments, newest first unless sorted otherwise"
            empty="No payments match."
            columns={columns}
            data={page.data.payments}
            rowKey={(row) => row.checkoutId}
            sorting={{ state: sorting, onChange: onSorting }}
          />
          <nav className="pager" aria-label="Pages of payments">
            <button
              type="button"
              className="button"
              disabled={cursors.length === 0}
              onClick={() => {
                setCursors((current) => current.slice(0, -1))
              }}
            >
              Previous page
            </button>
            <span role="status">Page {cursors.length + 1}</span>
            <button
              type="button"
              className="button"
              disabled={!page.data.next}
              onClick={() => {
                const next = page.data?.next
                if (next) setCursors((current) => [...current, next])
              }}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </section>
  )
}

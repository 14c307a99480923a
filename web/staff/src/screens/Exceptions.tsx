/**
 * Exceptions: money CashNet took that did not reach Alma as it should (open), and what staff did
 * about each (resolved). Supervisors resolve them here.
 */
import type { ColumnDef } from '@tanstack/react-table'
import { useMemo, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import type { StaffException } from '../../../../common/staffApi.ts'
import { DataTable } from '../components/DataTable.tsx'
import { ErrorNotice, Loading, StatusNotice } from '../components/Notice.tsx'
import { PageTitle } from '../components/PageTitle.tsx'
import { money, when, words } from '../format.ts'
import { useApi, useStaff } from '../session/session.tsx'
import { useLoad } from '../useLoad.ts'
import { ResolveDialog } from './ResolveDialog.tsx'

export function Exceptions() {
  const api = useApi()
  const staff = useStaff()
  const [params, setParams] = useSearchParams()
  const state = params.get('state') === 'resolved' ? 'resolved' : 'open'
  const list = useLoad((signal) => api.call('exceptions', { query: { state } }, signal), [state])
  const [resolving, setResolving] = useState<StaffException | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const supervisor = staff.may('supervisor')

  const columns = useMemo<ColumnDef<StaffException>[]>(
    () => [
      {
        id: 'reference',
        header: 'Reference',
        accessorFn: (row) => row.reference,
        cell: ({ row }) => row.original.reference,
      },
      {
        id: 'createdAt',
        header: 'When',
        accessorFn: (row) => row.createdAt,
        cell: ({ row }) => when(row.original.createdAt),
      },
      {
        id: 'kind',
        header: 'Kind',
        accessorFn: (row) => row.kind,
        cell: ({ row }) => words(row.original.kind),
      },
      {
        id: 'patron',
        header: 'Patron',
        enableSorting: false,
        cell: ({ row }) =>
          row.original.patron ? (
            <>
              {row.original.patron.name ?? '—'}
              <span className="sub">{row.original.patron.primaryId}</span>
            </>
          ) : (
            'Unknown'
          ),
      },
      {
        id: 'reason',
        header: 'Reason',
        enableSorting: false,
        cell: ({ row }) => (
          <>
            {row.original.reason}
            {row.original.checkoutId && (
              <span className="sub">
                <Link to={`/payments/${encodeURIComponent(row.original.checkoutId)}`}>
                  Payment {row.original.checkoutId}
                </Link>
              </span>
            )}
            {row.original.cashnetTx && (
              <span className="sub">CashNet transaction {row.original.cashnetTx}</span>
            )}
          </>
        ),
      },
      {
        id: 'amountCents',
        header: 'Amount',
        meta: { numeric: true },
        accessorFn: (row) => row.amountCents ?? 0,
        cell: ({ row }) =>
          row.original.amountCents === null ? '—' : money(row.original.amountCents),
      },
      state === 'open'
        ? {
            id: 'actions',
            header: 'Action',
            enableSorting: false,
            cell: ({ row }) =>
              supervisor && row.original.actions.length > 0 ? (
                <button
                  type="button"
                  className="button"
                  aria-label={`Resolve ${row.original.reference}`}
                  onClick={() => {
                    setDone(null)
                    setResolving(row.original)
                  }}
                >
                  Resolve…
                </button>
              ) : (
                <span className="sub">Supervisor</span>
              ),
          }
        : {
            id: 'resolution',
            header: 'Resolution',
            enableSorting: false,
            cell: ({ row }) => {
              const resolution = row.original.resolution
              if (!resolution) return '—'
              return (
                <>
                  {words(resolution.action)} by {resolution.by}
                  <span className="sub">{when(resolution.at)}</span>
                  {resolution.reference && (
                    <span className="sub">Reference {resolution.reference}</span>
                  )}
                  {resolution.note && <span className="sub">{resolution.note}</span>}
                </>
              )
            },
          },
    ],
    [state, supervisor],
  )

  return (
    <section className="screen">
      <PageTitle>Exceptions</PageTitle>
      <div className="segmented" role="group" aria-label="Show">
        {(['open', 'resolved'] as const).map((choice) => (
          <button
            key={choice}
            type="button"
            className="button"
            aria-pressed={state === choice}
            onClick={() => {
              setDone(null)
              setParams(choice === 'open' ? {} : { state: choice })
            }}
          >
            {words(choice)}
          </button>
        ))}
      </div>
      {done && <StatusNotice>{done}</StatusNotice>}
      {list.status === 'error' && <ErrorNotice error={list.error} />}
      {!list.data && list.status === 'loading' && <Loading what="exceptions" />}
      {list.data && (
        <DataTable
          caption={`${words(state)} exceptions`}
          empty={
            state === 'open' ? 'No open exceptions. All money reached Alma.' : 'None resolved yet.'
          }
          columns={columns}
          data={list.data.exceptions}
          rowKey={(row) => String(row.id)}
          initialSorting={[{ id: 'createdAt', desc: true }]}
        />
      )}
      {resolving && (
        <ResolveDialog
          exception={resolving}
          onClose={() => {
            setResolving(null)
          }}
          onResolved={(resolved) => {
            setResolving(null)
            setDone(
              `${resolved.reference} resolved: ${words(resolved.resolution?.action ?? 'resolved')}.`,
            )
            list.reload()
          }}
        />
      )}
    </section>
  )
}

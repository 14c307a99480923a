/**
 * Staff accounts (admins): who may use the console at the admin's institutions, with their role
 * and how they sign in; create a local account, disable or re-enable one (after confirming).
 */
import type { ColumnDef } from '@tanstack/react-table'
import { useId, useMemo, useState, type SubmitEvent } from 'react'
import {
  createAccountRequestSchema,
  minimumPasswordLength,
  staffRoles,
  type StaffAccount,
  type StaffRole,
} from '../../../../common/staffApi.ts'
import { errorMessage } from '../api/staffApiError.ts'
import { DataTable } from '../components/DataTable.tsx'
import { Dialog } from '../components/Dialog.tsx'
import { ErrorNotice, Loading, StatusNotice } from '../components/Notice.tsx'
import { PageTitle } from '../components/PageTitle.tsx'
import { StatusBadge } from '../components/StatusBadge.tsx'
import { when, words } from '../format.ts'
import { useApi, useStaff } from '../session/session.tsx'
import { useLoad } from '../useLoad.ts'

export function Accounts() {
  const api = useApi()
  const staff = useStaff()
  const list = useLoad((signal) => api.call('accounts', undefined, signal), [])
  const [done, setDone] = useState<string | null>(null)
  const [toggling, setToggling] = useState<StaffAccount | null>(null)

  const columns = useMemo<ColumnDef<StaffAccount>[]>(
    () => [
      { id: 'username', header: 'Username', accessorFn: (row) => row.username },
      {
        id: 'role',
        header: 'Role',
        accessorFn: (row) => row.role,
        cell: (c) => words(c.row.original.role),
      },
      {
        id: 'institutions',
        header: 'Libraries',
        enableSorting: false,
        cell: ({ row }) => row.original.institutions.join(', '),
      },
      {
        id: 'method',
        header: 'Signs in with',
        accessorFn: (row) => row.method,
        cell: ({ row }) => (row.original.method === 'sso' ? 'Campus sign-on' : 'Password'),
      },
      {
        id: 'lastSignInAt',
        header: 'Last sign-in',
        accessorFn: (row) => row.lastSignInAt ?? '',
        cell: ({ row }) => when(row.original.lastSignInAt),
      },
      {
        id: 'state',
        header: 'State',
        accessorFn: (row) => (row.disabled ? 'disabled' : 'active'),
        cell: ({ row }) => <StatusBadge status={row.original.disabled ? 'disabled' : 'active'} />,
      },
      {
        id: 'action',
        header: 'Action',
        enableSorting: false,
        cell: ({ row }) =>
          row.original.username === staff.username ? (
            <span className="sub">You</span>
          ) : (
            <button
              type="button"
              className="button"
              aria-label={`${row.original.disabled ? 'Enable' : 'Disable'} ${row.original.username}`}
              onClick={() => {
                setDone(null)
                setToggling(row.original)
              }}
            >
              {row.original.disabled ? 'Enable' : 'Disable'}
            </button>
          ),
      },
    ],
    [staff.username],
  )

  return (
    <section className="screen">
      <PageTitle>Staff</PageTitle>
      {done && <StatusNotice>{done}</StatusNotice>}
      {list.status === 'error' && <ErrorNotice error={list.error} />}
      {!list.data && list.status === 'loading' && <Loading what="staff accounts" />}
      {list.data && (
        <DataTable
          caption="Staff accounts"
          empty="No accounts."
          columns={columns}
          data={list.data.accounts}
          rowKey={(row) => row.username}
          initialSorting={[{ id: 'username', desc: false }]}
        />
      )}
      <CreateAccount
        onCreated={(account) => {
          setDone(`Account ${account.username} created (${words(account.role)}).`)
          list.reload()
        }}
      />
      {toggling && (
        <ToggleDialog
          account={toggling}
          onClose={() => {
            setToggling(null)
          }}
          onDone={(account) => {
            setToggling(null)
            setDone(`${account.username} is ${account.disabled ? 'disabled' : 'enabled'}.`)
            list.reload()
          }}
        />
      )}
    </section>
  )
}

function ToggleDialog({
  account,
  onClose,
  onDone,
}: {
  account: StaffAccount
  onClose: () => void
  onDone: (account: StaffAccount) => void
}) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const disable = !account.disabled
  async function confirm() {
    setBusy(true)
    try {
      onDone(
        await api.call('updateAccount', {
          params: { username: account.username },
          body: { disabled: disable },
        }),
      )
    } catch (error) {
      setFailure(errorMessage(error))
      setBusy(false)
    }
  }
  return (
    <Dialog title={`${disable ? 'Disable' : 'Enable'} ${account.username}?`} onClose={onClose}>
      <p>
        {disable
          ? `${account.username} will be signed out and cannot sign in until enabled again.`
          : `${account.username} can sign in again.`}
      </p>
      {failure && (
        <p className="notice notice-error" role="alert">
          {failure}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void confirm()}
          disabled={busy}
        >
          {disable ? 'Disable' : 'Enable'}
        </button>
      </div>
    </Dialog>
  )
}

type CreateErrors = Partial<Record<'username' | 'role' | 'institutions' | 'password', string>>

function CreateAccount({ onCreated }: { onCreated: (account: StaffAccount) => void }) {
  const api = useApi()
  const staff = useStaff()
  const [username, setUsername] = useState('')
  const [role, setRole] = useState<StaffRole>('desk')
  const [institutions, setInstitutions] = useState<string[]>(() =>
    staff.institutions.length === 1 ? staff.institutions.map((option) => option.code) : [],
  )
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<CreateErrors>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const ids = { username: useId(), role: useId(), password: useId(), institutions: useId() }

  async function submit(event: SubmitEvent) {
    event.preventDefault()
    setFailure(null)
    const parsed = createAccountRequestSchema.safeParse({ username, role, institutions, password })
    if (!parsed.success) {
      const found: CreateErrors = {}
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[0]) as keyof CreateErrors
        found[name] ??= issue.message
      }
      setErrors(found)
      return
    }
    setErrors({})
    setBusy(true)
    try {
      onCreated(await api.call('createAccount', { body: parsed.data }))
      setUsername('')
      setPassword('')
    } catch (error) {
      setFailure(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }

  const describe = (name: keyof CreateErrors, hint?: string) => ({
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby':
      [errors[name] ? `${ids[name]}-error` : '', hint ? `${ids[name]}-hint` : '']
        .filter(Boolean)
        .join(' ') || undefined,
  })
  const fieldError = (name: keyof CreateErrors, label: string) =>
    errors[name] && (
      <p className="field-error" id={`${ids[name]}-error`}>
        {label} {errors[name]}
      </p>
    )

  return (
    <section aria-labelledby="create-heading">
      <h2 id="create-heading">Add a staff account</h2>
      <form className="filters" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={ids.username}>Username</label>
          <input
            id={ids.username}
            value={username}
            autoComplete="off"
            {...describe('username')}
            onChange={(event) => {
              setUsername(event.target.value)
            }}
          />
          {fieldError('username', 'Username')}
        </div>
        <div className="field">
          <label htmlFor={ids.role}>Role</label>
          <select
            id={ids.role}
            value={role}
            onChange={(event) => {
              setRole(event.target.value as StaffRole)
            }}
          >
            {staffRoles.map((option) => (
              <option key={option} value={option}>
                {words(option)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Password</label>
          <input
            id={ids.password}
            type="password"
            autoComplete="new-password"
            value={password}
            {...describe('password', 'hint')}
            onChange={(event) => {
              setPassword(event.target.value)
            }}
          />
          <span className="hint" id={`${ids.password}-hint`}>
            At least {minimumPasswordLength} characters
          </span>
          {fieldError('password', 'Password')}
        </div>
        {staff.institutions.length > 1 && (
          <fieldset {...describe('institutions')}>
            <legend>Libraries</legend>
            {staff.institutions.map((option) => (
              <label key={option.code} className="radio-row">
                <input
                  type="checkbox"
                  checked={institutions.includes(option.code)}
                  onChange={(event) => {
                    setInstitutions((current) =>
                      event.target.checked
                        ? [...current, option.code]
                        : current.filter((code) => code !== option.code),
                    )
                  }}
                />
                <span>{option.name}</span>
              </label>
            ))}
            {fieldError('institutions', 'Libraries')}
          </fieldset>
        )}
        <div className="filter-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            Add account
          </button>
        </div>
      </form>
      {failure && (
        <p className="notice notice-error" role="alert">
          {failure}
        </p>
      )}
    </section>
  )
}

/**
 * Staff accounts (admins): who may use the console at the admin's institutions, with their role
 * and how they sign in; create a local account, change an account's role and libraries, set a new
 * password for a local account, disable or re-enable one (after confirming).
 */
import type { ColumnDef } from '@tanstack/react-table'
import { useId, useMemo, useState, type SubmitEvent } from 'react'
import {
  createAccountRequestSchema,
  minimumPasswordLength,
  passwordSchema,
  staffRoles,
  updateAccountRequestSchema,
  type StaffAccount,
  type StaffRole,
} from '../../../../common/staffApi.ts'
import { errorMessage, StaffApiError } from '../api/staffApiError.ts'
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
  const [changing, setChanging] = useState<StaffAccount | null>(null)
  const [resetting, setResetting] = useState<StaffAccount | null>(null)

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
        cell: ({ row }) => {
          const account = row.original
          if (account.username === staff.username) return <span className="sub">You</span>
          const open = (set: (account: StaffAccount) => void) => () => {
            setDone(null)
            set(account)
          }
          return (
            <div className="row-actions">
              <button
                type="button"
                className="button"
                aria-label={`Change role of ${account.username}`}
                onClick={open(setChanging)}
              >
                Change role
              </button>
              {account.method === 'local' && (
                <button
                  type="button"
                  className="button"
                  aria-label={`Reset password of ${account.username}`}
                  onClick={open(setResetting)}
                >
                  Reset password
                </button>
              )}
              <button
                type="button"
                className="button"
                aria-label={`${account.disabled ? 'Enable' : 'Disable'} ${account.username}`}
                onClick={open(setToggling)}
              >
                {account.disabled ? 'Enable' : 'Disable'}
              </button>
            </div>
          )
        },
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
      {changing && (
        <RoleDialog
          account={changing}
          onClose={() => {
            setChanging(null)
          }}
          onDone={(account) => {
            setChanging(null)
            setDone(
              `${account.username} is now ${words(account.role)} (${account.institutions.join(', ')}).`,
            )
            list.reload()
          }}
        />
      )}
      {resetting && (
        <PasswordDialog
          account={resetting}
          onClose={() => {
            setResetting(null)
          }}
          onDone={(account) => {
            setResetting(null)
            setDone(`New password set for ${account.username}; they were signed out.`)
            list.reload()
          }}
        />
      )}
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

/** A failed request as a dialog shows it: the service's message, and its field when it names one. */
function FailureNotice({ failure }: { failure: string | null }) {
  return (
    failure && (
      <p className="notice notice-error" role="alert">
        {failure}
      </p>
    )
  )
}

function failureText(error: unknown): string {
  return error instanceof StaffApiError && error.field
    ? `${error.message} (${error.field})`
    : errorMessage(error)
}

/** Change an account's role and, for an admin of several libraries, which libraries it serves. */
function RoleDialog({
  account,
  onClose,
  onDone,
}: {
  account: StaffAccount
  onClose: () => void
  onDone: (account: StaffAccount) => void
}) {
  const api = useApi()
  const staff = useStaff()
  const [role, setRole] = useState<StaffRole>(account.role)
  const [institutions, setInstitutions] = useState<string[]>(account.institutions)
  const [institutionsError, setInstitutionsError] = useState<string | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const ids = { role: useId(), institutions: useId() }
  const choosesLibraries = staff.institutions.length > 1

  async function submit(event: SubmitEvent) {
    event.preventDefault()
    setFailure(null)
    const parsed = updateAccountRequestSchema.safeParse(
      choosesLibraries ? { role, institutions } : { role },
    )
    if (!parsed.success) {
      setInstitutionsError('Choose at least one library.')
      return
    }
    setInstitutionsError(null)
    setBusy(true)
    try {
      onDone(
        await api.call('updateAccount', {
          params: { username: account.username },
          body: parsed.data,
        }),
      )
    } catch (error) {
      setFailure(failureText(error))
      setBusy(false)
    }
  }

  return (
    <Dialog title={`Change role of ${account.username}`} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)} noValidate>
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
        {choosesLibraries && (
          <fieldset
            aria-invalid={institutionsError ? true : undefined}
            aria-describedby={institutionsError ? `${ids.institutions}-error` : undefined}
          >
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
            {institutionsError && (
              <p className="field-error" id={`${ids.institutions}-error`}>
                {institutionsError}
              </p>
            )}
          </fieldset>
        )}
        <FailureNotice failure={failure} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** A new password for a local account, typed twice; every session of the account ends. */
function PasswordDialog({
  account,
  onClose,
  onDone,
}: {
  account: StaffAccount
  onClose: () => void
  onDone: (account: StaffAccount) => void
}) {
  const api = useApi()
  const [password, setPassword] = useState('')
  const [repeated, setRepeated] = useState('')
  const [errors, setErrors] = useState<{ password?: string; repeated?: string }>({})
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const ids = { password: useId(), repeated: useId() }

  async function submit(event: SubmitEvent) {
    event.preventDefault()
    setFailure(null)
    const parsed = passwordSchema.safeParse(password)
    if (!parsed.success) {
      setErrors({ password: `New password ${parsed.error.issues[0]?.message ?? 'is not valid'}` })
      return
    }
    if (repeated !== password) {
      setErrors({ repeated: 'The two passwords differ.' })
      return
    }
    setErrors({})
    setBusy(true)
    try {
      onDone(
        await api.call('updateAccount', {
          params: { username: account.username },
          body: { password: parsed.data },
        }),
      )
    } catch (error) {
      setFailure(failureText(error))
      setBusy(false)
    }
  }

  const describedBy = (name: 'password' | 'repeated', hint: boolean) =>
    [errors[name] ? `${ids[name]}-error` : '', hint ? `${ids[name]}-hint` : '']
      .filter(Boolean)
      .join(' ') || undefined

  return (
    <Dialog title={`Reset password of ${account.username}`} onClose={onClose}>
      <p>{account.username} will be signed out everywhere and must use the new password.</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={ids.password}>New password</label>
          <input
            id={ids.password}
            type="password"
            autoComplete="new-password"
            value={password}
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={describedBy('password', true)}
            onChange={(event) => {
              setPassword(event.target.value)
            }}
          />
          <span className="hint" id={`${ids.password}-hint`}>
            At least {minimumPasswordLength} characters
          </span>
          {errors.password && (
            <p className="field-error" id={`${ids.password}-error`}>
              {errors.password}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.repeated}>New password again</label>
          <input
            id={ids.repeated}
            type="password"
            autoComplete="new-password"
            value={repeated}
            aria-invalid={errors.repeated ? true : undefined}
            aria-describedby={describedBy('repeated', false)}
            onChange={(event) => {
              setRepeated(event.target.value)
            }}
          />
          {errors.repeated && (
            <p className="field-error" id={`${ids.repeated}-error`}>
              {errors.repeated}
            </p>
          )}
        </div>
        <FailureNotice failure={failure} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            Set password
          </button>
        </div>
      </form>
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

/**
 * The signed-in frame: a skip link, the header with who is signed in and "Sign out", the navigation
 * (only the screens the staff member's role may use) and the screen itself.
 */
import { NavLink, Outlet } from 'react-router'
import { useState } from 'react'
import type { StaffRole } from '../../../../common/staffApi.ts'
import { errorMessage } from '../api/staffApiError.ts'
import { useSession, useStaff } from '../session/session.tsx'
import { words } from '../format.ts'

/** The console's screens in the navigation, with the lowest role that may use each. */
const screens: readonly { path: string; label: string; role: StaffRole }[] = [
  { path: '/', label: 'Today', role: 'desk' },
  { path: '/desk', label: 'Desk', role: 'desk' },
  { path: '/payments', label: 'Payments', role: 'desk' },
  { path: '/exceptions', label: 'Exceptions', role: 'desk' },
  { path: '/reconciliation', label: 'Reconciliation', role: 'supervisor' },
  { path: '/accounts', label: 'Staff', role: 'admin' },
]

export function Shell() {
  const staff = useStaff()
  const { signOut } = useSession()
  const [signOutError, setSignOutError] = useState<string | null>(null)
  const campus = staff.institutions.map((institution) => institution.name).join(', ')

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <p className="brand">
          Library payments <span className="brand-sub">Staff console</span>
        </p>
        <p className="who">
          <span className="who-name">{staff.username}</span>{' '}
          <span className="who-role">{words(staff.role)}</span>
          <span className="who-campus">{campus}</span>
        </p>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => {
            signOut().catch((error: unknown) => {
              setSignOutError(errorMessage(error))
            })
          }}
        >
          Sign out
        </button>
      </header>
      <nav className="shell-nav" aria-label="Console">
        <ul>
          {screens
            .filter((screen) => staff.may(screen.role))
            .map((screen) => (
              <li key={screen.path}>
                <NavLink to={screen.path} end={screen.path === '/'}>
                  {screen.label}
                </NavLink>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" className="shell-main">
        {signOutError && (
          <p className="notice notice-error" role="alert">
            {signOutError}
          </p>
        )}
        <Outlet />
      </main>
    </div>
  )
}

/** A screen the staff member's role may not use (a typed or bookmarked URL). */
export function RoleGate({ role, children }: { role: StaffRole; children: React.ReactNode }) {
  const staff = useStaff()
  if (staff.may(role)) return children
  return (
    <section className="screen">
      <h1 className="page-title">Not available</h1>
      <p>
        This screen needs the {words(role)} role; you are signed in as {words(staff.role)}.
      </p>
    </section>
  )
}

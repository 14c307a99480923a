/**
 * Sign-in: a local account's username and password, or the campus's single sign-on. A failed SSO
 * comes back here as `?signInError=<code>`; an ended session says so.
 */
import { useEffect, useId, useState, type SubmitEvent } from 'react'
import { staffPath, staffRoutes, type SsoOptions } from '../../../../common/staffApi.ts'
import { errorMessage, StaffApiError } from '../api/staffApiError.ts'
import { useSession } from '../session/session.tsx'

/** What an SSO failure code means to the person trying to sign in. */
const ssoMessages: Record<string, string> = {
  sso_failed: 'Single sign-on did not complete. Start it again.',
  sso_forbidden:
    'Your campus account has no access to the staff console. Ask an administrator to add you.',
  sso_unavailable: 'Single sign-on is not available right now. Use a local account or try later.',
}

export function SignIn({ ended }: { ended: boolean }) {
  const { api, signIn } = useSession()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(() => {
    const code = new URLSearchParams(window.location.search).get('signInError')
    if (!code) return null
    return ssoMessages[code] ?? 'Sign-in did not complete. Try again.'
  })
  const [sso, setSso] = useState<SsoOptions['options']>([])
  const usernameId = useId()
  const passwordId = useId()
  const errorId = useId()

  useEffect(() => {
    const controller = new AbortController()
    api.call('ssoOptions', undefined, controller.signal).then(
      (answer) => {
        setSso(answer.options)
      },
      () => {
        // No SSO choices: local accounts still work.
      },
    )
    return () => {
      controller.abort()
    }
  }, [api])

  async function submit(event: SubmitEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await signIn(username.trim(), password)
      // The error of an earlier SSO attempt no longer applies.
      if (window.location.search.includes('signInError')) {
        window.history.replaceState(null, '', window.location.pathname)
      }
    } catch (caught) {
      setError(
        caught instanceof StaffApiError && caught.kind === 'invalid_request'
          ? 'Enter your username and password.'
          : errorMessage(caught),
      )
      setBusy(false)
    }
  }

  return (
    <main className="sign-in" id="main">
      <h1>Library payments — staff sign-in</h1>
      {ended && !error && (
        <p className="notice notice-warn" role="status">
          Your session ended. Sign in again to continue.
        </p>
      )}
      {error && (
        <p className="notice notice-error" role="alert" id={errorId}>
          {error}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} className="sign-in-form" noValidate>
        <div className="field">
          <label htmlFor={usernameId}>Username</label>
          <input
            id={usernameId}
            name="username"
            autoComplete="username"
            value={username}
            required
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => {
              setUsername(event.target.value)
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={passwordId}>Password</label>
          <input
            id={passwordId}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            required
            onChange={(event) => {
              setPassword(event.target.value)
            }}
          />
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {sso.length > 0 && (
        <section className="sso" aria-labelledby="sso-heading">
          <h2 id="sso-heading">Or use your campus account</h2>
          <ul>
            {sso.map((option) => (
              <li key={option.institution}>
                <a
                  className="button"
                  href={
                    option.startUrl ||
                    staffPath(staffRoutes.ssoStart.path, { institution: option.institution })
                  }
                >
                  {option.label}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  )
}

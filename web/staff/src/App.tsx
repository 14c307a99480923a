/**
 * The console: the sign-in gate, then the shell with one route per screen. Client routes live under
 * `/staff` (the service answers each with this page); `staffConsolePages` names the ones the service
 * links to (CashNet's desk return lands on the payment page).
 */
import { BrowserRouter, Route, Routes } from 'react-router'
import { staffConsolePages, staffPathPrefix } from '../../../common/staffApi.ts'
import { Loading } from './components/Notice.tsx'
import { RoleGate, Shell } from './components/Shell.tsx'
import { Accounts } from './screens/Accounts.tsx'
import { Desk } from './screens/Desk.tsx'
import { Exceptions } from './screens/Exceptions.tsx'
import { NotFound } from './screens/NotFound.tsx'
import { PaymentDetail } from './screens/PaymentDetail.tsx'
import { Payments } from './screens/Payments.tsx'
import { Reconciliation } from './screens/Reconciliation.tsx'
import { SignIn } from './screens/SignIn.tsx'
import { Today } from './screens/Today.tsx'
import { createConsoleClient, SessionProvider, useSession } from './session/session.tsx'

function Gate() {
  const { state } = useSession()
  if (state.status === 'loading') {
    return (
      <main id="main" className="sign-in">
        <Loading what="the console" />
      </main>
    )
  }
  if (state.status === 'signed_out') return <SignIn ended={state.ended} />
  return (
    <Routes>
      <Route element={<Shell />}>
        <Route index element={<Today />} />
        <Route path="/payments" element={<Payments />} />
        <Route path={staffConsolePages.payment} element={<PaymentDetail />} />
        <Route path="/exceptions" element={<Exceptions />} />
        <Route path="/desk" element={<Desk />} />
        <Route
          path="/reconciliation"
          element={
            <RoleGate role="supervisor">
              <Reconciliation />
            </RoleGate>
          }
        />
        <Route
          path="/accounts"
          element={
            <RoleGate role="admin">
              <Accounts />
            </RoleGate>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  )
}

/** One client for the page's life: it carries the session's CSRF token. */
const client = createConsoleClient()

export function App() {
  return (
    <BrowserRouter basename={staffPathPrefix}>
      <SessionProvider client={client}>
        <Gate />
      </SessionProvider>
    </BrowserRouter>
  )
}

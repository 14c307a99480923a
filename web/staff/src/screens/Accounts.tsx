import { PageTitle } from '../components/PageTitle.tsx'

export function Accounts() {
  return (
    <section className="screen">
      <PageTitle>Accounts</PageTitle>
    </section>
  )
}

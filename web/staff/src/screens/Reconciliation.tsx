import { PageTitle } from '../components/PageTitle.tsx'

export function Reconciliation() {
  return (
    <section className="screen">
      <PageTitle>Reconciliation</PageTitle>
    </section>
  )
}

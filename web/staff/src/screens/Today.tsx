import { PageTitle } from '../components/PageTitle.tsx'

export function Today() {
  return (
    <section className="screen">
      <PageTitle>Today</PageTitle>
    </section>
  )
}

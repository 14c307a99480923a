import { Link } from 'react-router'
import { PageTitle } from '../components/PageTitle.tsx'

export function NotFound() {
  return (
    <section className="screen">
      <PageTitle>Page not found</PageTitle>
      <p>
        There is no such page in the console. <Link to="/">Go to Today</Link>.
      </p>
    </section>
  )
}

// The page for an address the admin app does not know.
import { EmptyState } from '../components/Feedback.tsx'
import { Link } from '../components/Link.tsx'

export function NotFoundPage() {
  return (
    <div class="card">
      <EmptyState
        title="There is no page at this address"
        action={
          <Link class="btn btn-primary" href="/">
            Go to the overview
          </Link>
        }
      >
        The link may be old, or mistyped.
      </EmptyState>
    </div>
  )
}

// A page's title, one line on what it is for, and its actions on the right.
import type { ComponentChildren } from 'preact'
import { Link } from './Link.tsx'

export function PageHeader(props: {
  title: ComponentChildren
  description?: ComponentChildren
  actions?: ComponentChildren
  back?: { href: string; label: string }
}) {
  return (
    <header class="page-header">
      <div>
        {props.back && (
          <Link class="back-link" href={props.back.href}>
            ← {props.back.label}
          </Link>
        )}
        <h1>{props.title}</h1>
        {props.description && <p class="page-description">{props.description}</p>}
      </div>
      {props.actions && <div class="page-actions">{props.actions}</div>}
    </header>
  )
}

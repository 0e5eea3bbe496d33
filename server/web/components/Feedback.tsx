// Loading, error and empty states: each says what is happening and what to do next.
import type { ComponentChildren } from 'preact'
import { errorMessage } from '../api.ts'
import { Icon } from './Icon.tsx'

export function Loading({ label = 'Loading…', rows = 4 }: { label?: string; rows?: number }) {
  return (
    <div class="loading" role="status" aria-live="polite">
      <span class="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} class="skeleton-row" aria-hidden="true" />
      ))}
    </div>
  )
}

export function ErrorBanner({
  error,
  title = 'Something went wrong',
  onRetry,
}: {
  error: unknown
  title?: string
  onRetry?: () => void
}) {
  return (
    <div class="alert alert-error" role="alert">
      <Icon name="alert" />
      <div class="alert-body">
        <strong>{title}</strong>
        <span>{errorMessage(error)}</span>
      </div>
      {onRetry && (
        <button type="button" class="btn btn-sm" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  )
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string
  children?: ComponentChildren
  action?: ComponentChildren
}) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children && <p class="empty-body">{children}</p>}
      {action && <div class="empty-action">{action}</div>}
    </div>
  )
}

/** Loading, error or the content, for one loaded resource. */
export function Loaded<T>(props: {
  resource: { data: T | undefined; error: unknown; loading: boolean; reload(): void }
  label?: string
  errorTitle?: string
  children: (data: T) => ComponentChildren
}) {
  const { data, error, loading, reload } = props.resource
  if (error) return <ErrorBanner error={error} title={props.errorTitle} onRetry={reload} />
  if (data === undefined || (loading && data === undefined)) return <Loading label={props.label} />
  return <>{props.children(data)}</>
}

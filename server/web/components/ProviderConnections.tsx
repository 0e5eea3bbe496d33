// The five providers Consentry revokes at: connected or not, last test and discovery, and (for
// owners and admins) connect, replace credentials and test the connection.
import { useState } from 'preact/hooks'
import type { ConnectionProvider, ProviderConnection, ProviderForm } from '../api-types.ts'
import { CONNECTION_PROVIDERS } from '../api-types.ts'
import { formatDateTime, formatRelative } from '../format.ts'
import { useApi, usePermissions } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { Badge } from './Badge.tsx'
import { ConnectionDialog } from './ConnectionDialog.tsx'
import { ErrorBanner, Loading } from './Feedback.tsx'

interface TestResult {
  ok: boolean
  message: string
}

export function ProviderConnections() {
  const api = useApi()
  const { canManage } = usePermissions()
  const forms = useResource(() => api.listConnectionProviders(), [])
  const connections = useResource(() => api.listConnections(), [])
  const [editing, setEditing] = useState<ProviderForm | null>(null)
  const [saved, setSaved] = useState<string | null>(null)

  const error = forms.error ?? connections.error
  const body = error ? (
    <ErrorBanner
      error={error}
      title="Could not load the connections"
      onRetry={() => {
        forms.reload()
        connections.reload()
      }}
    />
  ) : !forms.data || !connections.data ? (
    <Loading label="Loading connections…" rows={5} />
  ) : (
    <div class="provider-grid">
      {CONNECTION_PROVIDERS.map((id) => {
        const form = forms.data!.items.find((f) => f.id === id)
        if (!form) return null
        const connection = connections.data!.items.find((c) => c.provider === id) ?? null
        return (
          <ProviderCard
            key={id}
            form={form}
            connection={connection}
            canManage={canManage}
            onEdit={() => {
              setSaved(null)
              setEditing(form)
            }}
            onTested={connections.reload}
          />
        )
      })}
    </div>
  )

  return (
    <section class="card" aria-labelledby="providers">
      <div class="card-header">
        <h2 id="providers">Providers</h2>
      </div>
      <p class="muted card-intro">
        Connect the identity providers and SaaS admin APIs where people grant AI tools access.
        Consentry discovers grants there and revokes them when someone leaves.
        {!canManage && ' Only owners and admins connect providers.'}
      </p>
      {saved && (
        <div class="alert alert-ok" role="status">
          {saved}
        </div>
      )}
      {body}
      {editing && (
        <ConnectionDialog
          form={editing}
          connection={connections.data?.items.find((c) => c.provider === editing.id) ?? null}
          onSave={async (input) => {
            await api.saveConnection(editing.id, input)
            setSaved(
              `${editing.name} credentials saved: stored encrypted, never shown again. Test the connection to check them.`
            )
            setEditing(null)
            connections.reload()
          }}
          onClose={() => setEditing(null)}
        />
      )}
    </section>
  )
}

function ProviderCard(props: {
  form: ProviderForm
  connection: ProviderConnection | null
  canManage: boolean
  onEdit(): void
  onTested(): void
}) {
  const api = useApi()
  const { form, connection: c } = props
  const [testing, setTesting] = useState(false)
  const [result, setResult] = useState<TestResult | null>(null)
  const [error, setError] = useState<unknown>(null)
  const headingId = `provider-${form.id}`

  async function test(provider: ConnectionProvider) {
    setTesting(true)
    setResult(null)
    setError(null)
    try {
      setResult(await api.testConnection(provider))
      props.onTested()
    } catch (e) {
      setError(e)
    } finally {
      setTesting(false)
    }
  }

  const customUrls = Object.entries(c?.baseUrls ?? {}).filter(([, url]) => url)
  return (
    <article class="provider-card" aria-labelledby={headingId}>
      <div class="provider-head">
        <h3 id={headingId}>{form.name}</h3>
        {c ? <Badge tone="good">Connected</Badge> : <Badge>Not connected</Badge>}
      </div>
      <p class="muted">{form.description}</p>
      {c && (
        <dl class="facts">
          <dt>Last test</dt>
          <dd>
            {c.lastTestedAt ? (
              <span title={formatDateTime(c.lastTestedAt)}>
                <Badge tone={c.lastTestOk ? 'good' : 'bad'}>
                  {c.lastTestOk ? 'Worked' : 'Failed'}
                </Badge>{' '}
                {formatRelative(c.lastTestedAt)}
                {c.lastTestMessage && <span class="cell-sub-block">{c.lastTestMessage}</span>}
              </span>
            ) : (
              <span class="muted">Not tested since the credentials were saved</span>
            )}
          </dd>
          <dt>Last discovery</dt>
          <dd>
            {c.lastDiscoveryAt ? (
              <span title={formatDateTime(c.lastDiscoveryAt)}>
                {formatRelative(c.lastDiscoveryAt)}
              </span>
            ) : (
              <span class="muted">Not run yet</span>
            )}
          </dd>
          <dt>Pace</dt>
          <dd>{c.requestsPerSecond} requests per second</dd>
          {customUrls.length > 0 && (
            <>
              <dt>Base URLs</dt>
              <dd>
                {customUrls.map(([key, url]) => (
                  <span key={key} class="cell-sub-block mono break">
                    {key}: {url}
                  </span>
                ))}
              </dd>
            </>
          )}
          <dt>Credentials</dt>
          <dd>
            Stored encrypted, saved{' '}
            <span title={formatDateTime(c.updatedAt)}>{formatRelative(c.updatedAt)}</span>
          </dd>
        </dl>
      )}
      {result && (
        <div class={result.ok ? 'alert alert-ok' : 'alert alert-error'} role="status">
          <div class="alert-body">
            <strong>{result.ok ? 'The connection works' : 'The connection failed'}</strong>
            <span>{result.message}</span>
          </div>
        </div>
      )}
      {error !== null && <ErrorBanner error={error} title="Could not test the connection" />}
      {props.canManage && (
        <div class="provider-actions">
          <button
            type="button"
            class={c ? 'btn btn-sm' : 'btn btn-sm btn-primary'}
            onClick={props.onEdit}
            aria-describedby={headingId}
          >
            {c ? 'Replace credentials' : 'Connect'}
          </button>
          {c && (
            <button
              type="button"
              class="btn btn-sm"
              disabled={testing}
              onClick={() => test(form.id)}
              aria-describedby={headingId}
            >
              {testing ? 'Testing…' : 'Test connection'}
            </button>
          )}
        </div>
      )}
    </article>
  )
}

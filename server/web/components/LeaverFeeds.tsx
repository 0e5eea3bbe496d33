// The leaver feeds: SCIM endpoint and its bearer tokens, the HR webhook and its signing secret,
// and the Shared Signals transmitter. Tokens and secrets are shown once; owners and admins change.
import { useState } from 'preact/hooks'
import type { FeedSettings, ScimTokenRow } from '../api-types.ts'
import { formatDate, formatDateTime } from '../format.ts'
import { useApi, usePermissions } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { Badge } from './Badge.tsx'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { CopyField } from './CopyField.tsx'
import { DataTable, type Column } from './DataTable.tsx'
import { EmptyState, ErrorBanner, Loaded } from './Feedback.tsx'
import { SecretOnce } from './SecretOnce.tsx'
import { SsfSettingsForm } from './SsfSettingsForm.tsx'
import { revokeColumn } from './revoke-column.tsx'

export function LeaverFeeds() {
  const api = useApi()
  const feeds = useResource(() => api.getFeeds(), [])
  return (
    <section class="stack" aria-labelledby="feeds">
      <h2 id="feeds" class="section-title">
        Leaver feeds
      </h2>
      <p class="muted">
        How Consentry hears that someone is leaving: SCIM provisioning from Okta or Entra ID, your
        HR system's webhook, or Shared Signals (CAEP/RISC) security events.
      </p>
      <Loaded resource={feeds} label="Loading the leaver feeds…" errorTitle="Could not load feeds">
        {(data) => (
          <>
            <ScimFeed feeds={data} onChanged={feeds.reload} />
            <HrWebhookFeed feeds={data} onChanged={feeds.reload} />
            <SsfSettingsForm feeds={data} onSaved={feeds.reload} />
          </>
        )}
      </Loaded>
    </section>
  )
}

function ScimFeed(props: { feeds: FeedSettings; onChanged(): void }) {
  const api = useApi()
  const { canManage } = usePermissions()
  const [label, setLabel] = useState('')
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [created, setCreated] = useState<{ label: string; token: string } | null>(null)
  const [revoking, setRevoking] = useState<ScimTokenRow | null>(null)

  async function create(event: Event) {
    event.preventDefault()
    if (!label.trim()) {
      setFieldError('Name the token, e.g. "Okta provisioning".')
      return
    }
    setFieldError(null)
    setError(null)
    setBusy(true)
    try {
      const token = await api.createScimToken(label.trim())
      setCreated({ label: token.label, token: token.token })
      setLabel('')
      props.onChanged()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  const columns: Column<ScimTokenRow>[] = [
    { key: 'label', header: 'Label', render: (t) => <strong class="strong">{t.label}</strong> },
    {
      key: 'state',
      header: 'Status',
      render: (t) =>
        t.revokedAt ? (
          <Badge>Revoked {formatDate(t.revokedAt)}</Badge>
        ) : (
          <Badge tone="good">Active</Badge>
        ),
    },
    {
      key: 'created',
      header: 'Created',
      render: (t) => <span title={formatDateTime(t.createdAt)}>{formatDate(t.createdAt)}</span>,
    },
  ]
  if (canManage) columns.push(revokeColumn<ScimTokenRow>(setRevoking))

  return (
    <section class="card" aria-labelledby="scim">
      <div class="card-header">
        <h3 id="scim">SCIM 2.0</h3>
      </div>
      <CopyField
        label="SCIM endpoint URL"
        value={props.feeds.scimUrl}
        hint="The tenant URL (base URL) in Okta or Entra ID provisioning. Deactivating a user there marks them as leaving here."
      />
      {canManage && (
        <form class="form-inline" onSubmit={create} noValidate>
          <label class="field">
            <span class="label">New token label</span>
            <input
              class="input"
              name="scimTokenLabel"
              value={label}
              placeholder="e.g. Okta provisioning"
              maxLength={200}
              aria-invalid={fieldError ? 'true' : undefined}
              onInput={(e) => setLabel(e.currentTarget.value)}
            />
            {fieldError && <span class="field-error">{fieldError}</span>}
          </label>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create SCIM token'}
          </button>
        </form>
      )}
      {error !== null && <ErrorBanner error={error} title="Could not create the token" />}
      {created && (
        <SecretOnce
          label={`SCIM token "${created.label}"`}
          value={created.token}
          note="Copy it now: it is shown only once. Paste it as the secret token (bearer) in your identity provider's provisioning settings."
          onDone={() => setCreated(null)}
        />
      )}
      {props.feeds.scimTokens.length === 0 ? (
        <EmptyState title="No SCIM tokens">
          {canManage
            ? 'Create one above and give it to your identity provider with the endpoint URL.'
            : 'An owner or admin creates the token your identity provider uses.'}
        </EmptyState>
      ) : (
        <DataTable
          label="SCIM tokens"
          columns={columns}
          rows={props.feeds.scimTokens}
          rowKey={(t) => t.id}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke "${revoking.label}"?`}
          confirmLabel="Revoke token"
          danger
          onConfirm={() => api.revokeScimToken(revoking.id)}
          onDone={props.onChanged}
          onClose={() => setRevoking(null)}
        >
          <p>
            Provisioning calls with this token are refused from now on: leavers from that identity
            provider stop arriving until it has a new token.
          </p>
        </ConfirmDialog>
      )}
    </section>
  )
}

function HrWebhookFeed(props: { feeds: FeedSettings; onChanged(): void }) {
  const api = useApi()
  const { canManage } = usePermissions()
  const [secret, setSecret] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const isSet = props.feeds.hrSecretSet

  async function rotate() {
    setError(null)
    setBusy(true)
    try {
      setSecret((await api.rotateHrSecret()).secret)
      props.onChanged()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="hr-webhook">
      <div class="card-header">
        <h3 id="hr-webhook">HR webhook</h3>
        {isSet ? <Badge tone="good">Secret set</Badge> : <Badge tone="warn">No secret yet</Badge>}
      </div>
      <CopyField
        label="HR webhook URL"
        value={props.feeds.hrWebhookUrl}
        hint="Your HR system posts leaver events here, signed with HMAC-SHA256 using the secret."
      />
      {canManage && (
        <div class="form-actions">
          <button
            type="button"
            class="btn"
            disabled={busy}
            onClick={() => (isSet ? setConfirming(true) : void rotate())}
          >
            {busy ? 'Working…' : isSet ? 'Rotate secret' : 'Create secret'}
          </button>
        </div>
      )}
      {error !== null && <ErrorBanner error={error} title="Could not change the secret" />}
      {secret && (
        <SecretOnce
          label="HR webhook signing secret"
          value={secret}
          note="Copy it now: it is shown only once. Set it in your HR system; events signed with the old secret are refused from now on."
          onDone={() => setSecret(null)}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title="Rotate the HR webhook secret?"
          confirmLabel="Rotate secret"
          danger
          onConfirm={async () => setSecret((await api.rotateHrSecret()).secret)}
          onDone={props.onChanged}
          onClose={() => setConfirming(false)}
        >
          <p>
            The current secret stops working at once: update your HR system with the new one
            straight away, or its leaver events are refused.
          </p>
        </ConfirmDialog>
      )}
    </section>
  )
}

// Devices & enrollment: tokens that enroll the extension (shown once), and the enrolled browsers.
import { useState } from 'preact/hooks'
import type { CreatedToken, DeviceRow, EnrollmentTokenRow } from '../api-types.ts'
import { Badge } from '../components/Badge.tsx'
import { ConfirmDialog } from '../components/ConfirmDialog.tsx'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { EmptyState, ErrorBanner, Loaded } from '../components/Feedback.tsx'
import { Link } from '../components/Link.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { SecretOnce } from '../components/SecretOnce.tsx'
import {
  capitalize,
  formatDate,
  formatDateTime,
  formatRelative,
  isPast,
  plural,
} from '../format.ts'
import { navigate } from '../router.ts'
import { useApi, usePermissions } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { revokeColumn } from '../components/revoke-column.tsx'

const EXPIRIES = [
  { hours: 24, label: '1 day' },
  { hours: 24 * 7, label: '7 days' },
  { hours: 24 * 30, label: '30 days' },
  { hours: 24 * 90, label: '90 days' },
  { hours: 24 * 365, label: '1 year' },
]

function tokenState(t: EnrollmentTokenRow): { label: string; tone: 'good' | 'neutral' | 'warn' } {
  if (t.revokedAt) return { label: 'Revoked', tone: 'neutral' }
  if (isPast(t.expiresAt)) return { label: 'Expired', tone: 'warn' }
  return { label: 'Active', tone: 'good' }
}

export function DevicesPage() {
  return (
    <>
      <PageHeader
        title="Devices & enrollment"
        description="Enrollment tokens connect the browser extension to this organisation; each enrolled browser is a device."
      />
      <div class="stack">
        <EnrollmentTokens />
        <Devices />
      </div>
    </>
  )
}

function EnrollmentTokens() {
  const api = useApi()
  const { canManage } = usePermissions()
  const tokens = useResource(() => api.listTokens(), [])
  const [label, setLabel] = useState('')
  const [hours, setHours] = useState(24 * 30)
  const [created, setCreated] = useState<CreatedToken | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [revoking, setRevoking] = useState<EnrollmentTokenRow | null>(null)

  async function create(event: Event) {
    event.preventDefault()
    if (!label.trim()) {
      setFieldError('Name the token, e.g. "Sales laptops" or "MDM rollout".')
      return
    }
    setFieldError(null)
    setBusy(true)
    setError(null)
    try {
      setCreated(await api.createToken(label.trim(), hours))
      setLabel('')
      tokens.reload()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  const columns: Column<EnrollmentTokenRow>[] = [
    { key: 'label', header: 'Label', render: (t) => <strong class="strong">{t.label}</strong> },
    {
      key: 'state',
      header: 'Status',
      render: (t) => {
        const s = tokenState(t)
        return <Badge tone={s.tone}>{s.label}</Badge>
      },
    },
    { key: 'uses', header: 'Devices enrolled', align: 'right', render: (t) => t.uses },
    { key: 'created', header: 'Created', render: (t) => formatDate(t.createdAt) },
    { key: 'expires', header: 'Expires', render: (t) => formatDateTime(t.expiresAt) },
  ]
  if (canManage)
    columns.push({
      key: 'actions',
      header: <span class="sr-only">Actions</span>,
      align: 'right',
      render: (t) =>
        tokenState(t).label === 'Active' ? (
          <button type="button" class="btn btn-sm btn-ghost-danger" onClick={() => setRevoking(t)}>
            Revoke
          </button>
        ) : null,
    })

  return (
    <section class="card" aria-labelledby="tokens">
      <div class="card-header">
        <h2 id="tokens">Enrollment tokens</h2>
      </div>
      {canManage && (
        <form class="form-inline" onSubmit={create} noValidate>
          <label class="field">
            <span class="label">Label</span>
            <input
              class="input"
              name="label"
              value={label}
              placeholder="e.g. Sales laptops"
              maxLength={200}
              aria-invalid={fieldError ? 'true' : undefined}
              onInput={(e) => setLabel(e.currentTarget.value)}
            />
            {fieldError && <span class="field-error">{fieldError}</span>}
          </label>
          <label class="field">
            <span class="label">Valid for</span>
            <select
              class="select"
              name="expiresInHours"
              value={String(hours)}
              onChange={(e) => setHours(Number(e.currentTarget.value))}
            >
              {EXPIRIES.map((x) => (
                <option key={x.hours} value={String(x.hours)}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </form>
      )}
      {error !== null && <ErrorBanner error={error} title="Could not create the token" />}
      {created && (
        <SecretOnce
          label={`Enrollment token "${created.label}"`}
          value={created.token}
          note={`Copy it now: it is shown only once. Enter it in the extension's options, or set it as enrollmentToken in managed storage. Valid until ${formatDateTime(created.expiresAt)}.`}
          onDone={() => setCreated(null)}
        />
      )}
      <Loaded resource={tokens} label="Loading tokens…" errorTitle="Could not load tokens">
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState title="No enrollment tokens">
              {canManage
                ? 'Create one above, then enter it in the extension to enroll a browser.'
                : 'An owner or admin creates tokens to enroll browsers.'}
            </EmptyState>
          ) : (
            <DataTable
              label="Enrollment tokens"
              columns={columns}
              rows={data.items}
              rowKey={(t) => t.id}
            />
          )
        }
      </Loaded>
      {revoking && (
        <ConfirmDialog
          title={`Revoke "${revoking.label}"?`}
          confirmLabel="Revoke token"
          danger
          onConfirm={() => api.revokeToken(revoking.id)}
          onDone={tokens.reload}
          onClose={() => setRevoking(null)}
        >
          <p>
            No new browser can enroll with this token. Browsers already enrolled with it keep
            working.
          </p>
        </ConfirmDialog>
      )}
    </section>
  )
}

function Devices() {
  const api = useApi()
  const { canManage } = usePermissions()
  const devices = useResource(() => api.listDevices(), [])
  const [revoking, setRevoking] = useState<DeviceRow | null>(null)
  const columns: Column<DeviceRow>[] = [
    {
      key: 'email',
      header: 'Employee',
      render: (d) =>
        d.personId ? (
          <Link href={`/people/${d.personId}`} tabIndex={-1}>
            {d.email ?? 'Unknown'}
          </Link>
        ) : (
          <span class="muted">{d.email ?? 'Not given'}</span>
        ),
    },
    { key: 'browser', header: 'Browser', render: (d) => (d.browser ? capitalize(d.browser) : '—') },
    {
      key: 'version',
      header: 'Extension',
      render: (d) => <span class="mono">{d.extensionVersion ?? '—'}</span>,
    },
    { key: 'enrolled', header: 'Enrolled', render: (d) => formatDate(d.enrolledAt) },
    {
      key: 'last',
      header: 'Last contact',
      render: (d) => <span title={d.lastSeenAt ?? ''}>{formatRelative(d.lastSeenAt)}</span>,
    },
    {
      key: 'status',
      header: 'Status',
      render: (d) =>
        d.revokedAt ? <Badge tone="neutral">Revoked</Badge> : <Badge tone="good">Active</Badge>,
    },
  ]
  if (canManage) columns.push(revokeColumn<DeviceRow>(setRevoking))
  return (
    <section class="card" aria-labelledby="devices">
      <div class="card-header">
        <h2 id="devices">Enrolled browsers</h2>
        {devices.data && (
          <span class="muted">
            {plural(devices.data.items.filter((d) => !d.revokedAt).length, 'active device')}
          </span>
        )}
      </div>
      <Loaded resource={devices} label="Loading devices…" errorTitle="Could not load devices">
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState title="No devices yet">
              Create an enrollment token and install the extension: enter the server address and the
              token in its options, or push both with your MDM.
            </EmptyState>
          ) : (
            <DataTable
              label="Devices"
              columns={columns}
              rows={data.items}
              rowKey={(d) => d.id}
              rowLabel={(d) => `${d.email ?? 'Unknown employee'}, open person`}
              onOpen={(d) => d.personId && navigate(`/people/${d.personId}`)}
            />
          )
        }
      </Loaded>
      {revoking && (
        <ConfirmDialog
          title="Revoke this device?"
          confirmLabel="Revoke device"
          danger
          onConfirm={() => api.revokeDevice(revoking.id)}
          onDone={devices.reload}
          onClose={() => setRevoking(null)}
        >
          <p>
            The {revoking.browser ? capitalize(revoking.browser) : ''} browser of{' '}
            <strong>{revoking.email ?? 'an unknown employee'}</strong> is locked out at once: it can
            no longer report consents or fetch the policy. It needs a new enrollment token to come
            back.
          </p>
        </ConfirmDialog>
      )}
    </section>
  )
}

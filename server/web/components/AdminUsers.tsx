// Admin accounts: listed for everyone; the owner creates them, changes roles and disables them.
import { useState } from 'preact/hooks'
import type { AdminRow, Role } from '../api-types.ts'
import { ROLES } from '../api-types.ts'
import { formatDate } from '../format.ts'
import { ROLE_LABELS, useApi, useSession } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { Badge } from './Badge.tsx'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { DataTable, type Column } from './DataTable.tsx'
import { Dialog } from './Dialog.tsx'
import { ErrorBanner, Loaded } from './Feedback.tsx'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function AdminUsers() {
  const api = useApi()
  const { me } = useSession()
  const owner = me.role === 'owner'
  const admins = useResource(() => api.listAdmins(), [])
  const [creating, setCreating] = useState(false)
  const [toggling, setToggling] = useState<AdminRow | null>(null)
  const [rowError, setRowError] = useState<unknown>(null)

  async function changeRole(admin: AdminRow, role: Role) {
    setRowError(null)
    try {
      await api.updateAdmin(admin.id, { role })
      admins.reload()
    } catch (e) {
      setRowError(e)
    }
  }

  const columns: Column<AdminRow>[] = [
    {
      key: 'who',
      header: 'Admin',
      render: (a) => (
        <div class="cell-main">
          <span class="row-title">
            {a.name}
            {a.id === me.id && <span class="muted"> (you)</span>}
          </span>
          <span class="cell-sub">{a.email}</span>
        </div>
      ),
    },
    {
      key: 'role',
      header: 'Role',
      render: (a) =>
        owner && a.id !== me.id && !a.disabledAt ? (
          <select
            class="select select-sm"
            aria-label={`Role of ${a.email}`}
            value={a.role}
            onChange={(e) => void changeRole(a, e.currentTarget.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        ) : (
          ROLE_LABELS[a.role]
        ),
    },
    {
      key: 'status',
      header: 'Status',
      render: (a) => (a.disabledAt ? <Badge>Disabled</Badge> : <Badge tone="good">Active</Badge>),
    },
    { key: 'created', header: 'Added', render: (a) => formatDate(a.createdAt) },
  ]
  if (owner)
    columns.push({
      key: 'actions',
      header: <span class="sr-only">Actions</span>,
      align: 'right',
      render: (a) =>
        a.id === me.id ? null : (
          <button
            type="button"
            class={a.disabledAt ? 'btn btn-sm' : 'btn btn-sm btn-ghost-danger'}
            onClick={() => setToggling(a)}
          >
            {a.disabledAt ? 'Enable' : 'Disable'}
          </button>
        ),
    })

  return (
    <section class="card" aria-labelledby="admins">
      <div class="card-header">
        <h2 id="admins">Admin users</h2>
        {owner && (
          <button type="button" class="btn btn-primary btn-sm" onClick={() => setCreating(true)}>
            Add admin
          </button>
        )}
      </div>
      <p class="muted card-intro">
        Owners manage admins and webhooks; admins change policy, sanctions, approvals and devices;
        offboarding and auditors can read everything and change nothing.
      </p>
      {rowError !== null && <ErrorBanner error={rowError} title="Could not change the role" />}
      <Loaded resource={admins} label="Loading admins…" errorTitle="Could not load admin users">
        {(data) => (
          <DataTable label="Admin users" columns={columns} rows={data.items} rowKey={(a) => a.id} />
        )}
      </Loaded>
      {creating && (
        <CreateAdminDialog onClose={() => setCreating(false)} onCreated={admins.reload} />
      )}
      {toggling && (
        <ConfirmDialog
          title={`${toggling.disabledAt ? 'Enable' : 'Disable'} ${toggling.email}?`}
          confirmLabel={toggling.disabledAt ? 'Enable' : 'Disable'}
          danger={!toggling.disabledAt}
          onConfirm={() => api.updateAdmin(toggling.id, { disabled: !toggling.disabledAt })}
          onDone={admins.reload}
          onClose={() => setToggling(null)}
        >
          <p>
            {toggling.disabledAt
              ? 'They can sign in again with their password.'
              : 'They are signed out at once and cannot sign in until enabled again.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  )
}

function CreateAdminDialog(props: { onClose(): void; onCreated(): void }) {
  const api = useApi()
  const [form, setForm] = useState({ email: '', name: '', role: 'admin' as Role, password: '' })
  const [errors, setErrors] = useState<Partial<Record<keyof typeof form, string>>>({})
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  async function submit(event: Event) {
    event.preventDefault()
    const found: typeof errors = {}
    if (!EMAIL.test(form.email.trim())) found.email = 'Enter a valid email address.'
    if (!form.name.trim()) found.name = 'Enter their name.'
    if (form.password.length < 12) found.password = 'At least 12 characters.'
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    setServerError(null)
    try {
      await api.createAdmin({ ...form, email: form.email.trim(), name: form.name.trim() })
      props.onCreated()
      props.onClose()
    } catch (e) {
      setServerError(e)
      setBusy(false)
    }
  }
  return (
    <Dialog title="Add an admin" onClose={props.onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <label class="field">
          <span class="label">Email</span>
          <input
            class="input"
            type="email"
            name="email"
            value={form.email}
            aria-invalid={errors.email ? 'true' : undefined}
            onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
          />
          {errors.email && <span class="field-error">{errors.email}</span>}
        </label>
        <label class="field">
          <span class="label">Name</span>
          <input
            class="input"
            name="name"
            value={form.name}
            aria-invalid={errors.name ? 'true' : undefined}
            onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
          />
          {errors.name && <span class="field-error">{errors.name}</span>}
        </label>
        <label class="field">
          <span class="label">Role</span>
          <select
            class="select"
            name="role"
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.currentTarget.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span class="label">Initial password</span>
          <input
            class="input"
            type="password"
            name="password"
            autoComplete="new-password"
            value={form.password}
            aria-invalid={errors.password ? 'true' : undefined}
            onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
          />
          <span class="hint">At least 12 characters. Give it to them over a separate channel.</span>
          {errors.password && <span class="field-error">{errors.password}</span>}
        </label>
        {serverError !== null && (
          <ErrorBanner error={serverError} title="Could not add the admin" />
        )}
        <div class="dialog-footer">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add admin'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

// An app's sanction: who owns it, what it is for, until when; editable by owners and admins.
import { useState } from 'preact/hooks'
import type { AppRow, SanctionInput } from '../api-types.ts'
import { endOfDayIso, formatDate, isPast, toDateInput } from '../format.ts'
import { Badge, SanctionBadge } from './Badge.tsx'
import { ErrorBanner } from './Feedback.tsx'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function isSanctionExpired(app: AppRow, now = new Date()): boolean {
  return app.sanctioned && (app.sanctionExpired ?? isPast(app.sanctionExpiresAt, now))
}

export function SanctionForm(props: {
  app: AppRow
  editable: boolean
  onSave(input: SanctionInput): Promise<unknown>
}) {
  const { app } = props
  const expired = isSanctionExpired(app)
  const [owner, setOwner] = useState(app.ownerEmail ?? '')
  const [purpose, setPurpose] = useState(app.purpose ?? '')
  const [expires, setExpires] = useState(toDateInput(app.sanctionExpiresAt))
  const [errors, setErrors] = useState<{ owner?: string; purpose?: string; expires?: string }>({})
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState<string | null>(null)

  async function save(sanctioned: boolean) {
    const found: typeof errors = {}
    if (sanctioned) {
      if (!owner.trim()) found.owner = 'Name the person accountable for this app.'
      else if (!EMAIL.test(owner.trim())) found.owner = 'Enter a valid email address.'
      if (!purpose.trim()) found.purpose = 'Say what the company uses it for.'
      else if (purpose.trim().length > 1000) found.purpose = 'Keep it under 1000 characters.'
      if (expires) {
        const iso = endOfDayIso(expires)
        if (!iso || new Date(iso).getTime() <= Date.now())
          found.expires = 'Choose a date in the future, or leave it empty for no expiry.'
      }
    }
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    setServerError(null)
    setSaved(null)
    try {
      await props.onSave(
        sanctioned
          ? {
              sanctioned: true,
              ownerEmail: owner.trim(),
              purpose: purpose.trim() || null,
              expiresAt: expires ? endOfDayIso(expires) : null,
            }
          : { sanctioned: false, ownerEmail: null, purpose: null, expiresAt: null }
      )
      setSaved(sanctioned ? 'Sanction saved.' : 'Sanction withdrawn.')
    } catch (e) {
      setServerError(e)
    } finally {
      setBusy(false)
    }
  }

  const status = (
    <div class="sanction-status">
      <SanctionBadge sanctioned={app.sanctioned} expired={expired} />
      {app.sanctioned && app.sanctionExpiresAt && (
        <span class={expired ? 'risk-text-critical' : 'muted'}>
          {expired ? 'Expired on ' : 'Until '}
          {formatDate(app.sanctionExpiresAt)}
        </span>
      )}
    </div>
  )

  if (!props.editable) {
    return (
      <div class="sanction">
        {status}
        <dl class="facts">
          <dt>Owner</dt>
          <dd>{app.ownerEmail ?? '—'}</dd>
          <dt>Purpose</dt>
          <dd>{app.purpose ?? '—'}</dd>
          <dt>Expires</dt>
          <dd>{app.sanctionExpiresAt ? formatDate(app.sanctionExpiresAt) : 'Never'}</dd>
        </dl>
      </div>
    )
  }

  return (
    <form
      class="form sanction"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void save(true)
      }}
    >
      {status}
      {expired && (
        <div class="alert alert-warn" role="status">
          This sanction has expired: renew it with a new date, or withdraw it.
        </div>
      )}
      <label class="field">
        <span class="label">Owner</span>
        <input
          class="input"
          type="email"
          name="ownerEmail"
          value={owner}
          placeholder="owner@example.com"
          aria-invalid={errors.owner ? 'true' : undefined}
          onInput={(e) => setOwner(e.currentTarget.value)}
        />
        {errors.owner && <span class="field-error">{errors.owner}</span>}
      </label>
      <label class="field">
        <span class="label">Purpose</span>
        <input
          class="input"
          name="purpose"
          value={purpose}
          placeholder="What the company uses it for"
          aria-invalid={errors.purpose ? 'true' : undefined}
          onInput={(e) => setPurpose(e.currentTarget.value)}
        />
        {errors.purpose && <span class="field-error">{errors.purpose}</span>}
      </label>
      <label class="field">
        <span class="label">Expires</span>
        <input
          class="input"
          type="date"
          name="expires"
          value={expires}
          aria-invalid={errors.expires ? 'true' : undefined}
          onInput={(e) => setExpires(e.currentTarget.value)}
        />
        <span class="hint">Leave empty for no expiry.</span>
        {errors.expires && <span class="field-error">{errors.expires}</span>}
      </label>
      {serverError !== null && <ErrorBanner error={serverError} title="Could not save" />}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {app.sanctioned ? 'Save sanction' : 'Sanction app'}
        </button>
        {app.sanctioned && (
          <button type="button" class="btn" disabled={busy} onClick={() => void save(false)}>
            Withdraw sanction
          </button>
        )}
        {saved && (
          <span class="saved" role="status">
            <Badge tone="good">{saved}</Badge>
          </span>
        )}
      </div>
    </form>
  )
}

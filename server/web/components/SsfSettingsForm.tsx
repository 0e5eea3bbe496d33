// Shared Signals transmitter settings: the issuer and audience its SETs carry and the keys they
// are signed with (a JWKS URL or the JWKS itself), plus the push URL the transmitter posts to.
import { useState } from 'preact/hooks'
import type { FeedSettings, SsfConfig } from '../api-types.ts'
import { useApi, usePermissions } from '../state.ts'
import { Badge } from './Badge.tsx'
import { CopyField } from './CopyField.tsx'
import { ErrorBanner } from './Feedback.tsx'

export interface SsfForm {
  issuer: string
  audience: string
  keys: 'url' | 'json'
  jwksUrl: string
  jwks: string
}

type SsfErrors = Partial<Record<keyof SsfForm, string>>

/** The PUT /feeds/ssf body, or what is wrong by field. */
export function toSsfConfig(
  form: SsfForm
): { ok: true; config: SsfConfig } | { ok: false; errors: SsfErrors } {
  const errors: SsfErrors = {}
  const issuer = form.issuer.trim()
  const audience = form.audience.trim()
  if (!issuer) errors.issuer = "Enter the transmitter's issuer (the iss of its events)."
  if (!audience) errors.audience = 'Enter the audience the events are addressed to (aud).'
  let jwksUrl: string | null = null
  let jwks: SsfConfig['jwks'] = null
  if (form.keys === 'url') {
    const url = form.jwksUrl.trim()
    let valid = false
    try {
      valid = new URL(url).protocol === 'https:'
    } catch {
      valid = false
    }
    if (!valid) errors.jwksUrl = 'Enter the https:// address of the JWKS.'
    else jwksUrl = url
  } else {
    try {
      const parsed = JSON.parse(form.jwks) as unknown
      const keys = (parsed as { keys?: unknown } | null)?.keys
      if (
        !Array.isArray(keys) ||
        keys.length === 0 ||
        keys.some((k) => !k || typeof k !== 'object')
      )
        errors.jwks = 'A JWKS is an object with a non-empty "keys" array.'
      else jwks = { keys: keys as Record<string, unknown>[] }
    } catch {
      errors.jwks = 'Paste the JWKS as JSON: {"keys": [ ... ]}.'
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, config: { issuer, audience, jwksUrl, jwks } }
}

function formOf(config: SsfConfig | null): SsfForm {
  return {
    issuer: config?.issuer ?? '',
    audience: config?.audience ?? '',
    keys: config?.jwks && !config.jwksUrl ? 'json' : 'url',
    jwksUrl: config?.jwksUrl ?? '',
    jwks: config?.jwks ? JSON.stringify(config.jwks, null, 2) : '',
  }
}

export function SsfSettingsForm(props: { feeds: FeedSettings; onSaved(): void }) {
  const api = useApi()
  const { canManage } = usePermissions()
  const config = props.feeds.ssf
  const [form, setForm] = useState<SsfForm>(() => formOf(config))
  const [errors, setErrors] = useState<SsfErrors>({})
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)
  const set = <K extends keyof SsfForm>(key: K, value: SsfForm[K]) => {
    setSaved(false)
    setForm((f) => ({ ...f, [key]: value }))
  }

  async function submit(event: Event) {
    event.preventDefault()
    const built = toSsfConfig(form)
    if (!built.ok) {
      setErrors(built.errors)
      return
    }
    setErrors({})
    setServerError(null)
    setBusy(true)
    try {
      await api.setSsfConfig(built.config)
      setSaved(true)
      props.onSaved()
    } catch (e) {
      setServerError(e)
    } finally {
      setBusy(false)
    }
  }

  const header = (
    <div class="card-header">
      <h3 id="ssf">Shared Signals (SSF)</h3>
      {config ? <Badge tone="good">Configured</Badge> : <Badge>Not configured</Badge>}
    </div>
  )
  const pushUrl = (
    <CopyField
      label="Push URL"
      value={props.feeds.ssfPushUrl}
      hint="Where the transmitter pushes Security Event Tokens (RFC 8935 push delivery)."
    />
  )
  if (!canManage)
    return (
      <section class="card" aria-labelledby="ssf">
        {header}
        {pushUrl}
        {config ? (
          <dl class="facts">
            <dt>Issuer</dt>
            <dd class="mono break">{config.issuer}</dd>
            <dt>Audience</dt>
            <dd class="mono break">{config.audience}</dd>
            <dt>Signing keys</dt>
            <dd class="mono break">
              {config.jwksUrl ?? `A JWKS of ${config.jwks?.keys.length ?? 0} key(s)`}
            </dd>
          </dl>
        ) : (
          <p class="muted">No transmitter is configured. An owner or admin sets it up.</p>
        )}
      </section>
    )

  return (
    <section class="card" aria-labelledby="ssf">
      {header}
      {pushUrl}
      <form class="form" onSubmit={submit} noValidate>
        <div class="form-grid">
          <label class="field">
            <span class="label">Issuer</span>
            <input
              class="input mono"
              name="issuer"
              value={form.issuer}
              placeholder="https://sso.example.com"
              maxLength={500}
              aria-invalid={errors.issuer ? 'true' : undefined}
              onInput={(e) => set('issuer', e.currentTarget.value)}
            />
            {errors.issuer && <span class="field-error">{errors.issuer}</span>}
          </label>
          <label class="field">
            <span class="label">Audience</span>
            <input
              class="input mono"
              name="audience"
              value={form.audience}
              placeholder="https://consentry.example.com"
              maxLength={500}
              aria-invalid={errors.audience ? 'true' : undefined}
              onInput={(e) => set('audience', e.currentTarget.value)}
            />
            {errors.audience && <span class="field-error">{errors.audience}</span>}
          </label>
        </div>
        <fieldset class="field">
          <legend class="label">Signing keys</legend>
          <div class="radio-row">
            <label class="radio">
              <input
                type="radio"
                name="ssfKeys"
                value="url"
                checked={form.keys === 'url'}
                onChange={() => set('keys', 'url')}
              />
              JWKS URL
            </label>
            <label class="radio">
              <input
                type="radio"
                name="ssfKeys"
                value="json"
                checked={form.keys === 'json'}
                onChange={() => set('keys', 'json')}
              />
              JWKS JSON
            </label>
          </div>
        </fieldset>
        {form.keys === 'url' ? (
          <label class="field">
            <span class="label">JWKS URL</span>
            <input
              class="input mono"
              type="url"
              name="jwksUrl"
              value={form.jwksUrl}
              placeholder="https://sso.example.com/.well-known/jwks.json"
              aria-invalid={errors.jwksUrl ? 'true' : undefined}
              onInput={(e) => set('jwksUrl', e.currentTarget.value)}
            />
            {errors.jwksUrl && <span class="field-error">{errors.jwksUrl}</span>}
          </label>
        ) : (
          <label class="field">
            <span class="label">JWKS JSON</span>
            <textarea
              class="input mono"
              name="jwks"
              rows={6}
              spellcheck={false}
              value={form.jwks}
              placeholder='{"keys": [{"kty": "RSA", "kid": "…", "n": "…", "e": "AQAB"}]}'
              aria-invalid={errors.jwks ? 'true' : undefined}
              onInput={(e) => set('jwks', e.currentTarget.value)}
            />
            {errors.jwks && <span class="field-error">{errors.jwks}</span>}
          </label>
        )}
        {serverError !== null && (
          <ErrorBanner error={serverError} title="Could not save the transmitter settings" />
        )}
        {saved && (
          <div class="alert alert-ok" role="status">
            Transmitter settings saved.
          </div>
        )}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save transmitter settings'}
          </button>
        </div>
      </form>
    </section>
  )
}

// Connect a provider or replace its credentials: the provider's own form, base URLs for sovereign
// clouds under "Advanced", and the pace. Credentials are write-only: never prefilled, never shown.
import { useId, useState } from 'preact/hooks'
import type {
  ConnectionInput,
  ProviderConnection,
  ProviderForm,
  ProviderFormField,
} from '../api-types.ts'
import { Dialog } from './Dialog.tsx'
import { ErrorBanner } from './Feedback.tsx'

/** Booleans without a declared default offer "the provider's default" instead of guessing one. */
type Value = string | boolean

export type ConnectionErrors = Record<string, string>

function initialValue(field: ProviderFormField): Value {
  if (field.type === 'boolean') return typeof field.default === 'boolean' ? field.default : ''
  return ''
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

/** The PUT /connections/:provider body for what was typed, or the errors by field key. */
export function toConnectionInput(
  form: ProviderForm,
  values: Record<string, Value>,
  baseUrls: Record<string, string>,
  requestsPerSecond: string
): { ok: true; input: ConnectionInput } | { ok: false; errors: ConnectionErrors } {
  const errors: ConnectionErrors = {}
  const credentials: Record<string, unknown> = {}
  for (const field of form.fields) {
    const value = values[field.key] ?? initialValue(field)
    if (field.type === 'boolean') {
      if (typeof value === 'boolean') credentials[field.key] = value
      else if (value === 'true' || value === 'false') credentials[field.key] = value === 'true'
      continue
    }
    // Spaces and line breaks around a copied value are never part of it.
    const trimmed = String(value).trim()
    if (!trimmed) {
      if (field.required) errors[field.key] = `Enter the ${field.label.toLowerCase()}.`
      continue
    }
    if (field.type === 'number') {
      const n = Number(trimmed)
      if (!Number.isFinite(n)) errors[field.key] = `${field.label} must be a number.`
      else credentials[field.key] = n
      continue
    }
    credentials[field.key] = trimmed
  }
  const urls: Record<string, string> = {}
  for (const { key, label } of form.baseUrlKeys) {
    const url = (baseUrls[key] ?? '').trim()
    if (!url) continue
    if (!isWebUrl(url)) errors[`baseUrl.${key}`] = `${label}: enter a full https:// address.`
    else urls[key] = url
  }
  const rps = Number(requestsPerSecond)
  if (!Number.isInteger(rps) || rps < 1 || rps > 1000)
    errors.requestsPerSecond = 'A whole number from 1 to 1000.'
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    input: {
      credentials,
      ...(Object.keys(urls).length ? { baseUrls: urls } : {}),
      requestsPerSecond: rps,
    },
  }
}

export function ConnectionDialog(props: {
  form: ProviderForm
  connection: ProviderConnection | null
  onSave(input: ConnectionInput): Promise<void>
  onClose(): void
}) {
  const { form, connection } = props
  const [values, setValues] = useState<Record<string, Value>>(() =>
    Object.fromEntries(form.fields.map((f) => [f.key, initialValue(f)]))
  )
  const [baseUrls, setBaseUrls] = useState<Record<string, string>>(() => ({
    ...(connection?.baseUrls ?? {}),
  }))
  const [rps, setRps] = useState(String(connection?.requestsPerSecond ?? 5))
  const [errors, setErrors] = useState<ConnectionErrors>({})
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const set = (key: string, value: Value) => setValues((v) => ({ ...v, [key]: value }))
  const hasCustomUrls = Object.values(connection?.baseUrls ?? {}).some(Boolean)

  async function submit(event: Event) {
    event.preventDefault()
    const built = toConnectionInput(form, values, baseUrls, rps)
    if (!built.ok) {
      setErrors(built.errors)
      return
    }
    setErrors({})
    setServerError(null)
    setBusy(true)
    try {
      await props.onSave(built.input)
    } catch (e) {
      setServerError(e)
      setBusy(false)
    }
  }

  return (
    <Dialog
      title={connection ? `Replace ${form.name} credentials` : `Connect ${form.name}`}
      onClose={props.onClose}
      wide
    >
      <form class="form" onSubmit={submit} noValidate autoComplete="off">
        <p class="muted">
          {connection
            ? 'The stored credentials are replaced by what you enter here. They are never shown, so enter every field again.'
            : 'Credentials are stored encrypted and never shown again, not even to you.'}
          {form.docsUrl && (
            <>
              {' '}
              <a href={form.docsUrl} target="_blank" rel="noreferrer noopener">
                What to create at {form.name}
              </a>
            </>
          )}
        </p>
        {form.fields.map((field) => (
          <CredentialField
            key={field.key}
            field={field}
            value={values[field.key] ?? initialValue(field)}
            error={errors[field.key]}
            onChange={(v) => set(field.key, v)}
          />
        ))}
        <details class="disclosure" open={hasCustomUrls || undefined}>
          <summary>Advanced: base URLs and pace</summary>
          <div class="disclosure-body">
            {form.baseUrlKeys.length > 0 && (
              <p class="hint">
                Only for sovereign or national clouds and test servers; leave empty for the public
                service.
              </p>
            )}
            {form.baseUrlKeys.map(({ key, label, default: byDefault }) => (
              <label class="field" key={key}>
                <span class="label">{label}</span>
                <input
                  class="input mono"
                  type="url"
                  name={`baseUrl.${key}`}
                  value={baseUrls[key] ?? ''}
                  placeholder={byDefault}
                  aria-invalid={errors[`baseUrl.${key}`] ? 'true' : undefined}
                  onInput={(e) => {
                    const value = e.currentTarget.value
                    setBaseUrls((b) => ({ ...b, [key]: value }))
                  }}
                />
                {errors[`baseUrl.${key}`] && (
                  <span class="field-error">{errors[`baseUrl.${key}`]}</span>
                )}
              </label>
            ))}
            <label class="field">
              <span class="label">Requests per second</span>
              <input
                class="input input-sm"
                type="number"
                name="requestsPerSecond"
                min={1}
                max={1000}
                step={1}
                value={rps}
                aria-invalid={errors.requestsPerSecond ? 'true' : undefined}
                onInput={(e) => setRps(e.currentTarget.value)}
              />
              <span class="hint">
                Consentry stays under this pace at {form.name}, below its published limits.
              </span>
              {errors.requestsPerSecond && (
                <span class="field-error">{errors.requestsPerSecond}</span>
              )}
            </label>
          </div>
        </details>
        {serverError !== null && (
          <ErrorBanner error={serverError} title={`${form.name} did not accept these settings`} />
        )}
        <div class="dialog-footer">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : connection ? 'Replace credentials' : 'Connect'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

function CredentialField(props: {
  field: ProviderFormField
  value: Value
  error: string | undefined
  onChange(value: Value): void
}) {
  const { field, value, error } = props
  const id = useId()
  const name = `credentials.${field.key}`
  const invalid = error ? 'true' : undefined
  const help = field.help ? <span class="hint">{field.help}</span> : null
  const problem = error ? <span class="field-error">{error}</span> : null
  if (field.type === 'boolean') {
    if (typeof field.default === 'boolean')
      return (
        <label class="checkbox">
          <input
            type="checkbox"
            name={name}
            checked={value === true}
            onChange={(e) => props.onChange(e.currentTarget.checked)}
          />
          {field.label}
          {help}
        </label>
      )
    return (
      <label class="field">
        <span class="label">{field.label}</span>
        <select
          class="select"
          name={name}
          value={String(value)}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        >
          <option value="">{`${field.label}: the provider's default`}</option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </select>
        {help}
      </label>
    )
  }
  const label = (
    <span class="label">
      {field.label}
      {!field.required && <span class="muted"> (optional)</span>}
    </span>
  )
  if (field.type === 'textarea')
    return (
      <label class="field">
        {label}
        <textarea
          class="input mono"
          name={name}
          rows={5}
          spellcheck={false}
          value={String(value)}
          aria-invalid={invalid}
          onInput={(e) => props.onChange(e.currentTarget.value)}
        />
        {help}
        {problem}
      </label>
    )
  // The hint and the error describe the input; only the label names it.
  const common = {
    id,
    name,
    'aria-describedby':
      [field.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') ||
      undefined,
    spellcheck: false,
    value: String(value),
    'aria-invalid': invalid,
    onInput: (e: Event) => props.onChange((e.currentTarget as HTMLInputElement).value),
  } as const
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {field.type === 'secret' ? (
        <input
          {...common}
          class="input mono"
          type="password"
          autoComplete="new-password"
          onPaste={(e) => {
            // A one-line input drops the line breaks of a pasted PEM key: keep the text whole.
            const text = e.clipboardData?.getData('text') ?? ''
            if (!/[\r\n]/.test(text)) return
            e.preventDefault()
            props.onChange(text)
          }}
        />
      ) : field.type === 'number' ? (
        <input {...common} class="input" type="number" autoComplete="off" />
      ) : (
        <input {...common} class="input" type="text" autoComplete="off" />
      )}
      {field.help && (
        <span class="hint" id={`${id}-help`}>
          {field.help}
        </span>
      )}
      {error && (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  )
}

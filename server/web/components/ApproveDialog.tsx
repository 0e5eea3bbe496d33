// Approve an employee's request: who owns the app, why it is allowed, until when, for whom.
import { useState } from 'preact/hooks'
import type { ApprovalRequest, ApproveInput } from '../api-types.ts'
import { endOfDayIso, toDateInput } from '../format.ts'
import { Dialog } from './Dialog.tsx'
import { ErrorBanner } from './Feedback.tsx'
import { RequestedScopes } from './RequestedScopes.tsx'

export interface ApproveForm {
  ownerEmail: string
  purpose: string
  /** yyyy-mm-dd from the date input, '' for no expiry. */
  expires: string
  scope: 'requester' | 'everyone'
}

export type ApproveErrors = Partial<Record<keyof ApproveForm, string>>

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** What is wrong with the form, field by field; empty when it can be sent. */
export function validateApproval(form: ApproveForm, now = new Date()): ApproveErrors {
  const errors: ApproveErrors = {}
  const owner = form.ownerEmail.trim()
  if (!owner) errors.ownerEmail = 'Name the person accountable for this app (an email address).'
  else if (!EMAIL.test(owner) || owner.length > 320)
    errors.ownerEmail = 'Enter a valid email address, like ada@example.com.'
  const purpose = form.purpose.trim()
  if (!purpose) errors.purpose = 'Say what the app is approved for.'
  else if (purpose.length < 3) errors.purpose = 'Say a little more (at least 3 characters).'
  else if (purpose.length > 1000) errors.purpose = 'Keep it under 1000 characters.'
  if (form.expires) {
    const iso = endOfDayIso(form.expires)
    if (!iso) errors.expires = 'Enter a date as YYYY-MM-DD, or leave it empty for no expiry.'
    else if (new Date(iso).getTime() <= now.getTime())
      errors.expires = 'Choose a date in the future, or leave it empty for no expiry.'
  }
  if (form.scope !== 'requester' && form.scope !== 'everyone')
    errors.scope = 'Choose who may use it.'
  return errors
}

export function toApproveInput(form: ApproveForm): ApproveInput {
  return {
    ownerEmail: form.ownerEmail.trim(),
    purpose: form.purpose.trim(),
    expiresAt: form.expires ? endOfDayIso(form.expires) : null,
    scope: form.scope,
  }
}

export function ApproveDialog(props: {
  request: ApprovalRequest
  onApprove(input: ApproveInput): Promise<unknown>
  onClose(): void
  now?: Date
}) {
  const { request } = props
  const now = props.now ?? new Date()
  const [form, setForm] = useState<ApproveForm>({
    ownerEmail: request.personEmail ?? '',
    purpose: '',
    expires: toDateInput(new Date(now.getTime() + 180 * 86400_000)),
    scope: 'requester',
  })
  const [errors, setErrors] = useState<ApproveErrors>({})
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const set = <K extends keyof ApproveForm>(key: K, value: ApproveForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }))

  async function submit(event: Event) {
    event.preventDefault()
    const found = validateApproval(form, new Date())
    setErrors(found)
    if (Object.keys(found).length > 0) return
    setBusy(true)
    setServerError(null)
    try {
      await props.onApprove(toApproveInput(form))
      props.onClose()
    } catch (e) {
      setServerError(e)
      setBusy(false)
    }
  }

  const appName = request.appName ?? request.clientId
  return (
    <Dialog title={`Approve ${appName}`} onClose={props.onClose} wide>
      <form class="form" onSubmit={submit} noValidate>
        <div class="request-summary">
          <p>
            <strong>{request.personEmail ?? 'An employee'}</strong> asked to use{' '}
            <strong>{appName}</strong>:
          </p>
          <blockquote class="reason">{request.reason || 'No reason given.'}</blockquote>
          <RequestedScopes provider={request.provider} scopes={request.scopes} />
        </div>
        <div class="form-grid">
          <label class="field">
            <span class="label">App owner</span>
            <input
              class="input"
              type="email"
              name="ownerEmail"
              value={form.ownerEmail}
              placeholder="owner@example.com"
              aria-invalid={errors.ownerEmail ? 'true' : undefined}
              onInput={(e) => set('ownerEmail', e.currentTarget.value)}
            />
            <span class="hint">Accountable for the app and reminded when approval expires.</span>
            {errors.ownerEmail && <span class="field-error">{errors.ownerEmail}</span>}
          </label>
          <label class="field">
            <span class="label">Approved until</span>
            <input
              class="input"
              type="date"
              name="expires"
              value={form.expires}
              aria-invalid={errors.expires ? 'true' : undefined}
              onInput={(e) => set('expires', e.currentTarget.value)}
            />
            <span class="hint">Leave empty for no expiry.</span>
            {errors.expires && <span class="field-error">{errors.expires}</span>}
          </label>
        </div>
        <label class="field">
          <span class="label">Purpose</span>
          <textarea
            class="input"
            name="purpose"
            rows={2}
            value={form.purpose}
            placeholder="e.g. Meeting notes for the sales team"
            aria-invalid={errors.purpose ? 'true' : undefined}
            onInput={(e) => set('purpose', e.currentTarget.value)}
          />
          {errors.purpose && <span class="field-error">{errors.purpose}</span>}
        </label>
        <fieldset class="field">
          <legend class="label">Who may use it</legend>
          <label class="radio">
            <input
              type="radio"
              name="scope"
              value="requester"
              checked={form.scope === 'requester'}
              onChange={() => set('scope', 'requester')}
            />
            Only {request.personEmail ?? 'the requester'}
          </label>
          <label class="radio">
            <input
              type="radio"
              name="scope"
              value="everyone"
              checked={form.scope === 'everyone'}
              onChange={() => set('scope', 'everyone')}
            />
            Everyone in the organisation (sanctions the app)
          </label>
          {errors.scope && <span class="field-error">{errors.scope}</span>}
        </fieldset>
        {serverError !== null && <ErrorBanner error={serverError} title="Could not approve" />}
        <div class="dialog-footer">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Approving…' : 'Approve'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

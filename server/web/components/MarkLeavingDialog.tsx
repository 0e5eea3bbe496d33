// Mark someone as leaving by hand: their email, the leaving day and who takes over their apps.
import { useState } from 'preact/hooks'
import type { MarkLeavingInput } from '../api-types.ts'
import { Dialog } from './Dialog.tsx'
import { ErrorBanner } from './Feedback.tsx'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export interface MarkLeavingForm {
  email: string
  departureDate: string
  successorEmail: string
}

export function validateMarkLeaving(
  form: MarkLeavingForm
): Partial<Record<keyof MarkLeavingForm, string>> {
  const errors: Partial<Record<keyof MarkLeavingForm, string>> = {}
  if (!form.email.trim()) errors.email = 'Enter the email address of the person who is leaving.'
  else if (!EMAIL.test(form.email.trim())) errors.email = 'Enter a valid email address.'
  if (!form.departureDate) errors.departureDate = 'Choose the leaving day.'
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(form.departureDate))
    errors.departureDate = 'Use a date as YYYY-MM-DD.'
  if (form.successorEmail.trim() && !EMAIL.test(form.successorEmail.trim()))
    errors.successorEmail = 'Enter a valid email address, or leave it empty.'
  return errors
}

export function MarkLeavingDialog(props: {
  onSave(input: MarkLeavingInput): Promise<unknown>
  onClose(): void
}) {
  const [form, setForm] = useState<MarkLeavingForm>({
    email: '',
    departureDate: '',
    successorEmail: '',
  })
  const [errors, setErrors] = useState<Partial<Record<keyof MarkLeavingForm, string>>>({})
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const set = (key: keyof MarkLeavingForm) => (event: Event) =>
    setForm({ ...form, [key]: (event.currentTarget as HTMLInputElement).value })

  async function submit(event: Event) {
    event.preventDefault()
    const found = validateMarkLeaving(form)
    setErrors(found)
    if (Object.keys(found).length) return
    setBusy(true)
    setServerError(null)
    try {
      await props.onSave({
        email: form.email.trim().toLowerCase(),
        departureDate: form.departureDate,
        successorEmail: form.successorEmail.trim().toLowerCase() || null,
      })
      props.onClose()
    } catch (e) {
      setServerError(e)
      setBusy(false)
    }
  }

  return (
    <Dialog title="Mark someone as leaving" onClose={props.onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <p class="muted">
          Opens their offboarding case. A day in the future schedules it; today or earlier means
          they have left.
        </p>
        <label class="field">
          <span class="label">Email</span>
          <input
            class="input"
            type="email"
            name="email"
            autoComplete="off"
            value={form.email}
            aria-invalid={errors.email ? 'true' : undefined}
            onInput={set('email')}
          />
          {errors.email && <span class="field-error">{errors.email}</span>}
        </label>
        <label class="field">
          <span class="label">Leaving day</span>
          <input
            class="input"
            type="date"
            name="departureDate"
            value={form.departureDate}
            aria-invalid={errors.departureDate ? 'true' : undefined}
            onInput={set('departureDate')}
          />
          {errors.departureDate && <span class="field-error">{errors.departureDate}</span>}
        </label>
        <label class="field">
          <span class="label">Successor (optional)</span>
          <input
            class="input"
            type="email"
            name="successorEmail"
            autoComplete="off"
            value={form.successorEmail}
            aria-invalid={errors.successorEmail ? 'true' : undefined}
            onInput={set('successorEmail')}
          />
          <span class="hint">Takes over the apps this person owns.</span>
          {errors.successorEmail && <span class="field-error">{errors.successorEmail}</span>}
        </label>
        {serverError !== null && <ErrorBanner error={serverError} title="Could not save" />}
        <div class="dialog-footer">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Mark as leaving'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

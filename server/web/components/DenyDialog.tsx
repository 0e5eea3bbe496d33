// Deny an employee's request with a reason they will see.
import { useState } from 'preact/hooks'
import type { ApprovalRequest } from '../api-types.ts'
import { Dialog } from './Dialog.tsx'
import { ErrorBanner } from './Feedback.tsx'

export function DenyDialog(props: {
  request: ApprovalRequest
  onDeny(reason: string): Promise<unknown>
  onClose(): void
}) {
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  async function submit(event: Event) {
    event.preventDefault()
    if (!reason.trim()) {
      setError('Give the employee a reason (for example, an approved alternative).')
      return
    }
    if (reason.trim().length > 1000) {
      setError('Keep it under 1000 characters.')
      return
    }
    setError(null)
    setBusy(true)
    try {
      await props.onDeny(reason.trim())
      props.onClose()
    } catch (e) {
      setServerError(e)
      setBusy(false)
    }
  }
  return (
    <Dialog
      title={`Deny ${props.request.appName ?? props.request.clientId}`}
      onClose={props.onClose}
    >
      <form class="form" onSubmit={submit} noValidate>
        <label class="field">
          <span class="label">Reason</span>
          <textarea
            class="input"
            name="reason"
            rows={3}
            value={reason}
            placeholder="e.g. Use the company's approved note taker instead"
            aria-invalid={error ? 'true' : undefined}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          {error && <span class="field-error">{error}</span>}
        </label>
        {serverError !== null && <ErrorBanner error={serverError} title="Could not deny" />}
        <div class="dialog-footer">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-danger" disabled={busy}>
            {busy ? 'Denying…' : 'Deny request'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

// Close a leaver's case: with a note saying how what is still live was accounted for when the
// server asks for one; the server's refusal (a revocation still running) is shown as it is.
import { useState } from 'preact/hooks'
import type { OffboardingCase } from '../api-types.ts'
import { plural } from '../format.ts'
import { Dialog } from './Dialog.tsx'
import { ErrorBanner } from './Feedback.tsx'

/** Whether closing needs a note: the server says so, or (older server) grants are still live. */
export function closeNeedsNote(kase: OffboardingCase): boolean {
  return kase.closable?.needsNote ?? kase.liveGrants > 0
}

export function CloseCaseDialog(props: {
  kase: OffboardingCase
  onCloseCase(note: string | null): Promise<unknown>
  onClose(): void
}) {
  const { kase } = props
  const needsNote = closeNeedsNote(kase)
  const [note, setNote] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: Event) {
    event.preventDefault()
    const text = note.trim()
    if (needsNote && text.length < 3) {
      setError('Say how the grants that are still live were accounted for.')
      return
    }
    if (text.length > 2000) {
      setError('Keep the note under 2000 characters.')
      return
    }
    setError(null)
    setServerError(null)
    setBusy(true)
    try {
      await props.onCloseCase(text || null)
      props.onClose()
    } catch (e) {
      setServerError(e)
      setBusy(false)
    }
  }

  return (
    <Dialog
      title={`Close the case of ${kase.person.name ?? kase.person.email}`}
      onClose={props.onClose}
    >
      <form class="form" onSubmit={submit} noValidate>
        {needsNote ? (
          <p>
            {kase.closable?.reason ??
              `${plural(kase.liveGrants, 'grant is', 'grants are')} still live.`}{' '}
            {kase.followUps.length > 0 &&
              `${plural(kase.followUps.length, 'manual follow-up')} remain.`}
          </p>
        ) : (
          <p>Every grant is revoked or accounted for. The case and its evidence stay available.</p>
        )}
        <label class="field">
          <span class="label">
            {needsNote ? 'Closing note (required)' : 'Closing note (optional)'}
          </span>
          <textarea
            class="input"
            name="note"
            rows={4}
            value={note}
            required={needsNote}
            placeholder="e.g. Asked Ada to remove the app from her personal account; confirmed on 24 Nov"
            aria-invalid={error ? 'true' : undefined}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <span class="hint">Kept with the case and in the audit log.</span>
          {error && <span class="field-error">{error}</span>}
        </label>
        {serverError !== null && (
          <ErrorBanner error={serverError} title="The case was not closed" />
        )}
        <div class="dialog-footer">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Closing…' : 'Close case'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

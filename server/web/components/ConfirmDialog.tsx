// "Are you sure?" for destructive actions, showing the server's error if the action fails.
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { ErrorBanner } from './Feedback.tsx'
import { Dialog } from './Dialog.tsx'

export function ConfirmDialog(props: {
  title: string
  children: ComponentChildren
  confirmLabel: string
  danger?: boolean
  onConfirm(): Promise<unknown>
  onClose(): void
  onDone?(): void
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  async function confirm() {
    setBusy(true)
    setError(null)
    try {
      await props.onConfirm()
      props.onDone?.()
      props.onClose()
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            class={props.danger ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={busy}
            onClick={confirm}
          >
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </>
      }
    >
      {props.children}
      {error !== null && <ErrorBanner error={error} title="That did not work" />}
    </Dialog>
  )
}

// A secret shown exactly once (enrollment token, webhook signing secret) with a Copy button.
import { useState } from 'preact/hooks'
import { Icon } from './Icon.tsx'

export function SecretOnce(props: { label: string; value: string; note?: string; onDone(): void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.value)
      setCopied('yes')
    } catch {
      setCopied('failed')
    }
  }
  return (
    <div class="secret" role="region" aria-label={props.label}>
      <div class="secret-head">
        <strong>{props.label}</strong>
        <span class="muted">
          {props.note ?? 'Copy it now: it is shown only once and cannot be read back.'}
        </span>
      </div>
      <div class="secret-row">
        <code class="secret-value" data-testid="secret-value">
          {props.value}
        </code>
        <button type="button" class="btn btn-sm" onClick={copy}>
          <Icon name={copied === 'yes' ? 'check' : 'copy'} size={14} />
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="btn btn-sm btn-ghost" onClick={props.onDone}>
          Done
        </button>
      </div>
      {copied === 'failed' && (
        <p class="field-error">The browser refused the clipboard: select the text and copy it.</p>
      )}
    </div>
  )
}

// A value to paste elsewhere (an endpoint URL) with its label and a Copy button; not a secret.
import { useId, useState } from 'preact/hooks'
import { Icon } from './Icon.tsx'

export function CopyField(props: { label: string; value: string; hint?: string }) {
  const id = useId()
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
    <div class="field">
      <span class="label" id={id}>
        {props.label}
      </span>
      <div class="copy-row">
        <code class="copy-value" aria-labelledby={id}>
          {props.value}
        </code>
        <button type="button" class="btn btn-sm" onClick={copy} aria-describedby={id}>
          <Icon name={copied === 'yes' ? 'check' : 'copy'} size={14} />
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {props.hint && <span class="hint">{props.hint}</span>}
      {copied === 'failed' && (
        <span class="field-error">
          The browser refused the clipboard: select the text and copy it.
        </span>
      )}
    </div>
  )
}

// The warning shown on a consent page: which app, what it may do, the risk, and the policy.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { ConsentView } from '../../lib/messaging.ts'
import { PROVIDER_NAMES } from '../../components/scope-words.ts'

export interface WarningProps {
  view: ConsentView
  onContinue(justification: string | null): void | Promise<void>
  onCancel(): void | Promise<void>
  onRequestApproval(reason: string): Promise<boolean>
  onDismiss(): void
}

const RISK_LABEL = {
  low: 'Low risk',
  medium: 'Medium risk',
  high: 'High risk',
  critical: 'Critical risk',
} as const
const MIN_REASON = 10

export function Warning({
  view,
  onContinue,
  onCancel,
  onRequestApproval,
  onDismiss,
}: WarningProps) {
  const { request, classification, action } = view
  const app = classification.app
  const appName = app.name ?? 'An app Consentry does not know'
  const provider = PROVIDER_NAMES[request.provider] ?? request.provider
  const [reason, setReason] = useState('')
  const [requested, setRequested] = useState<'idle' | 'sending' | 'sent' | 'failed'>('idle')
  const first = useRef<HTMLButtonElement | HTMLTextAreaElement>(null)
  useEffect(() => first.current?.focus(), [])

  const scopes = classification.scopes.filter((s) => s.access !== 'identity')
  const title =
    request.kind === 'device_code'
      ? `A device is asking to sign in to your ${provider} account`
      : request.kind === 'admin_consent'
        ? `${appName} asks for access to your whole organisation's ${provider} data`
        : `${appName} wants access to your ${provider} account`

  if (action === 'allow') {
    return (
      <div class="notice" role="status" aria-label="Consentry notice">
        <p>
          <strong>{appName}</strong> {app.isAi ? 'is an AI tool. ' : ''}
          {RISK_LABEL[classification.risk]}:{' '}
          {scopes.length ? scopes[0]?.description : 'sign-in only'}
          {scopes.length > 1 ? ` and ${scopes.length - 1} more` : ''}.
        </p>
        <button class="link" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    )
  }

  return (
    <div class="backdrop">
      <section
        class="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="consentry-title"
        aria-describedby="consentry-risk"
      >
        <header>
          <span class="brand">Consentry{view.orgName ? ` · ${view.orgName}` : ''}</span>
          <span class={`risk risk-${classification.risk}`} id="consentry-risk">
            {RISK_LABEL[classification.risk]}
          </span>
        </header>
        <h1 id="consentry-title">{title}</h1>
        <p class="app">
          {app.isAi ? (
            <span class="tag ai">AI tool{app.vendor ? ` by ${app.vendor}` : ''}</span>
          ) : (
            <span class="tag">
              {app.matchedBy === 'unknown' ? 'Unknown app' : 'Not an AI tool'}
            </span>
          )}
          {request.offlineAccess ? <span class="tag">Keeps access when you are away</span> : null}
        </p>
        {scopes.length > 0 ? (
          <>
            <h2>If you allow it, it can:</h2>
            <ul class="scopes">
              {scopes.map((s) => (
                <li key={s.scope + s.audience}>
                  <span class={`dot risk-${s.risk}`} aria-hidden="true" />
                  {s.description}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>{classification.reasons[0]}</p>
        )}
        {classification.reasons.length > 0 ? (
          <details>
            <summary>Why this rating</summary>
            <ul>
              {classification.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </details>
        ) : null}

        {action === 'warn' ? (
          <>
            <p class="policy">Your organisation asks you to check before allowing this.</p>
            <div class="actions">
              <button class="secondary" ref={first as never} onClick={onCancel}>
                Cancel
              </button>
              <button class="primary" onClick={() => onContinue(null)}>
                Continue
              </button>
            </div>
          </>
        ) : null}

        {action === 'justify' ? (
          <>
            <label class="policy" for="consentry-reason">
              Your organisation asks why you need this app before you continue.
            </label>
            <textarea
              id="consentry-reason"
              ref={first as never}
              value={reason}
              maxLength={2000}
              onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
              placeholder="For example: meeting notes for customer calls, approved by my manager"
            />
            <div class="actions">
              <button class="secondary" onClick={onCancel}>
                Cancel
              </button>
              <button
                class="primary"
                disabled={reason.trim().length < MIN_REASON}
                onClick={() => onContinue(reason.trim())}
              >
                Continue
              </button>
            </div>
          </>
        ) : null}

        {action === 'block' ? (
          <>
            <p class="policy blocked">
              Your organisation does not allow this app. You cannot continue.
            </p>
            {requested === 'sent' ? (
              <p class="ok" role="status">
                Your request was sent to IT. You will see their answer in the Consentry toolbar
                button.
              </p>
            ) : (
              <>
                <label for="consentry-approval">Need it for your work? Ask IT to approve it:</label>
                <textarea
                  id="consentry-approval"
                  ref={first as never}
                  value={reason}
                  maxLength={2000}
                  onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
                  placeholder="What you need it for"
                />
                {requested === 'failed' ? (
                  <p class="error">The request could not be saved. Try again.</p>
                ) : null}
              </>
            )}
            <div class="actions">
              <button class="secondary" onClick={onCancel}>
                Go back
              </button>
              {requested === 'sent' ? null : (
                <button
                  class="primary"
                  disabled={reason.trim().length < MIN_REASON || requested === 'sending'}
                  onClick={async () => {
                    setRequested('sending')
                    setRequested((await onRequestApproval(reason.trim())) ? 'sent' : 'failed')
                  }}
                >
                  Request approval
                </button>
              )}
            </div>
          </>
        ) : null}
      </section>
    </div>
  )
}

// "My AI connections", the sync state and the enrollment state.
import { browser } from '#imports'
import { useEffect, useState } from 'preact/hooks'
import { PROVIDER_NAMES, scopeWords } from '../../components/scope-words.ts'
import { sendMessage, type PopupState } from '../../lib/messaging.ts'

const STATUS_WORDS: Record<string, string> = {
  active: 'Connected',
  denied: 'You refused it',
  revocation_pending: 'Being removed by IT',
  revoked: 'Removed by IT',
  revoke_failed: 'IT could not remove it yet',
}

function when(value: number | string | null): string {
  if (value === null) return 'never'
  const d = new Date(value)
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

export function Popup() {
  const [state, setState] = useState<PopupState | null>(null)
  const [syncing, setSyncing] = useState(false)
  const load = () => sendMessage('getPopupState', undefined).then(setState)
  useEffect(() => void load(), [])

  if (!state) return <p class="muted">Loading…</p>
  const { enrollment, sync, connections } = state
  return (
    <main>
      <header>
        <h1>Consentry</h1>
        <span class={`pill ${enrollment.state}`}>
          {enrollment.state === 'active'
            ? `Enrolled · ${enrollment.orgName}`
            : enrollment.state === 'revoked'
              ? 'Revoked by IT'
              : 'Not enrolled'}
        </span>
      </header>

      {enrollment.state !== 'active' ? (
        <section>
          <p>
            {enrollment.state === 'revoked'
              ? 'IT revoked this browser. Enroll it again to keep reporting.'
              : 'Connect this browser to your organisation to see your AI connections.'}
          </p>
          <button class="primary" onClick={() => browser.runtime.openOptionsPage()}>
            Open settings
          </button>
        </section>
      ) : (
        <section aria-labelledby="connections">
          <h2 id="connections">My AI connections</h2>
          {state.connectionsError ? <p class="muted">{state.connectionsError}</p> : null}
          {connections && connections.length === 0 ? (
            <p class="muted">
              No connections yet. When you allow an app access to your accounts, it shows here.
            </p>
          ) : null}
          <ul class="connections">
            {(connections ?? []).map((c) => (
              <li key={c.id}>
                <div class="row">
                  <strong>{c.appName ?? c.clientId}</strong>
                  {c.isAi ? <span class="tag">AI</span> : null}
                  <span class={`status ${c.status}`}>{STATUS_WORDS[c.status] ?? c.status}</span>
                </div>
                <div class="muted small">
                  {PROVIDER_NAMES[c.provider] ?? c.provider} · since {when(c.firstSeenAt)}
                </div>
                <ul class="words">
                  {scopeWords(c.provider, c.scopes)
                    .slice(0, 3)
                    .map((w) => (
                      <li key={w}>{w}</li>
                    ))}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      )}

      {state.requests.length > 0 ? (
        <section aria-labelledby="requests">
          <h2 id="requests">My requests to IT</h2>
          <ul class="connections">
            {state.requests.map((r) => (
              <li key={r.id}>
                <div class="row">
                  <strong>{r.appName ?? r.clientId}</strong>
                  <span class={`status ${r.status === 'approved' ? 'active' : r.status === 'denied' ? 'revoked' : ''}`}>
                    {r.status === 'approved' ? 'Approved' : r.status === 'denied' ? 'Denied' : 'Waiting for IT'}
                  </span>
                </div>
                {r.decisionNote ? <div class="muted small">IT: {r.decisionNote}</div> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section class="sync" aria-labelledby="sync">
        <h2 id="sync">Reporting</h2>
        <dl>
          <dt>Last sync</dt>
          <dd>{when(sync.lastSyncAt)}</dd>
          <dt>Waiting to send</dt>
          <dd>{sync.queued}</dd>
          {sync.deadLetters > 0 ? (
            <>
              <dt>Refused by server</dt>
              <dd>{sync.deadLetters}</dd>
            </>
          ) : null}
          <dt>Policy updated</dt>
          <dd>{when(sync.policyFetchedAt)}</dd>
        </dl>
        {sync.lastError ? <p class="error">{sync.lastError}</p> : null}
        {enrollment.state === 'active' ? (
          <button
            disabled={syncing}
            onClick={async () => {
              setSyncing(true)
              await sendMessage('syncNow', undefined)
              await load()
              setSyncing(false)
            }}
          >
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
        ) : null}
      </section>
    </main>
  )
}

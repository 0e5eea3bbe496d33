// Enrollment (server URL + enrollment token) and the optional report of installed AI extensions.
import { browser } from '#imports'
import { useEffect, useState } from 'preact/hooks'
import { sendMessage, type PopupState } from '../../lib/messaging.ts'

export function Options() {
  const [state, setState] = useState<PopupState | null>(null)
  const [serverUrl, setServerUrl] = useState('')
  const [token, setToken] = useState('')
  const [email, setEmail] = useState('')
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)

  const load = () =>
    sendMessage('getPopupState', undefined).then((s) => {
      setState(s)
      if (s.enrollment.serverUrl) setServerUrl(s.enrollment.serverUrl)
      if (s.enrollment.email) setEmail(s.enrollment.email)
    })
  useEffect(() => void load(), [])

  async function submit(e: Event) {
    e.preventDefault()
    setBusy(true)
    setMessage(null)
    const result = await sendMessage('enroll', { serverUrl, token, email: email || null })
    setBusy(false)
    setMessage(
      result.ok
        ? { kind: 'ok', text: `Enrolled in ${result.orgName}.` }
        : { kind: 'error', text: result.message }
    )
    if (result.ok) setToken('')
    await load()
  }

  async function enableInventory() {
    const granted = await browser.permissions.request({ permissions: ['management'] })
    if (granted) await sendMessage('enableExtensionInventory', undefined)
    setMessage(
      granted
        ? { kind: 'ok', text: 'Installed AI extensions will be reported.' }
        : { kind: 'error', text: 'Permission not granted.' }
    )
  }

  const managed = state?.enrollment.managed ?? false
  return (
    <main>
      <h1>Consentry settings</h1>
      {state ? (
        <p>
          Status:{' '}
          <strong>
            {state.enrollment.state === 'active'
              ? `enrolled in ${state.enrollment.orgName}`
              : state.enrollment.state === 'revoked'
                ? 'revoked by IT'
                : 'not enrolled'}
          </strong>
          {managed ? ' (managed by your organisation)' : ''}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label for="server">Server URL</label>
        <input
          id="server"
          type="url"
          required
          placeholder="https://consentry.example.com"
          value={serverUrl}
          disabled={managed}
          onInput={(e) => setServerUrl((e.target as HTMLInputElement).value)}
        />
        <label for="token">Enrollment token</label>
        <input
          id="token"
          required
          placeholder="cet_…"
          value={token}
          disabled={managed}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <label for="email">Your work email</label>
        <input
          id="email"
          type="email"
          placeholder="you@company.com"
          value={email}
          disabled={managed}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy || managed}>
          {busy ? 'Enrolling…' : 'Enroll this browser'}
        </button>
      </form>
      {message ? (
        <p class={message.kind} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
      <section>
        <h2>Installed AI extensions</h2>
        <p>
          Your organisation may ask to see which AI browser extensions are installed (names and
          permissions only). This needs one more permission.
        </p>
        <button type="button" onClick={enableInventory}>
          Allow reporting AI extensions
        </button>
      </section>
    </main>
  )
}

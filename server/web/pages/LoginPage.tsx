// Sign in with email and password; the server's message is shown when it refuses.
import { useState } from 'preact/hooks'
import type { Api } from '../api.ts'
import type { Me } from '../api-types.ts'
import { ErrorBanner } from '../components/Feedback.tsx'
import { Icon } from '../components/Icon.tsx'

export function LoginPage(props: { api: Api; onLogin(me: Me): void; notice?: string | null }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: Event) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      props.onLogin(await props.api.login(email.trim(), password))
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }

  return (
    <main class="login">
      <div class="login-card">
        <div class="login-brand">
          <span class="brand-mark" aria-hidden="true">
            <Icon name="shield" size={20} />
          </span>
          <span class="brand-name">Consentry</span>
        </div>
        <h1>Sign in</h1>
        <p class="muted">
          Review the AI tools your organisation has connected to company accounts.
        </p>
        {props.notice && !error && (
          <div class="alert alert-info" role="status">
            {props.notice}
          </div>
        )}
        <form class="form" onSubmit={submit}>
          <label class="field">
            <span class="label">Email</span>
            <input
              class="input"
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="label">Password</span>
            <input
              class="input"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          {error !== null && <ErrorBanner error={error} title="Could not sign in" />}
          <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p class="login-foot muted">
          First time? Open the setup link printed by the server when it started, and create the
          owner account there.
        </p>
      </div>
    </main>
  )
}

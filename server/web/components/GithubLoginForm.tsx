// The leaver's GitHub username: GitHub revokes an app's access per user login, not per email.
import { useState } from 'preact/hooks'
import { isGithubLogin } from '../leavers-format.ts'
import { ErrorBanner } from './Feedback.tsx'

export function GithubLoginForm(props: { onSave(login: string): Promise<unknown> }) {
  const [login, setLogin] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [serverError, setServerError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: Event) {
    event.preventDefault()
    const value = login.trim().replace(/^@/, '')
    if (!isGithubLogin(value)) {
      setError('Enter a GitHub username: letters, digits and single hyphens, up to 39 characters.')
      return
    }
    setError(null)
    setServerError(null)
    setBusy(true)
    try {
      await props.onSave(value)
    } catch (e) {
      setServerError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="form" onSubmit={submit} noValidate>
      <label class="field">
        <span class="label">GitHub username</span>
        <div class="input-row">
          <input
            class="input"
            name="githubLogin"
            autoComplete="off"
            spellcheck={false}
            value={login}
            aria-invalid={error ? 'true' : undefined}
            onInput={(e) => setLogin(e.currentTarget.value)}
          />
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
        {error && <span class="field-error">{error}</span>}
      </label>
      {serverError !== null && (
        <ErrorBanner error={serverError} title="Could not save the username" />
      )}
    </form>
  )
}

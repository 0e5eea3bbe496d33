// Removes secret-bearing parts (codes, tokens, state, passwords, fragments) from URLs before they are kept.

/** Query or fragment parameters whose values are credentials or CSRF secrets, never kept or sent. */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'code',
  'state',
  'nonce',
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'client_secret',
  'code_verifier',
  'code_challenge',
  'password',
  'passwd',
  'pwd',
  'session_state',
  'assertion',
  'client_assertion',
  'ticket',
  'sig',
  'signature',
  'secret',
  'api_key',
  'apikey',
  'key',
  'auth',
  'authuser_token',
  'otp',
  'user_code',
])

const SECRET_NAME = new RegExp(`[?&](${[...SECRET_PARAMS].join('|')})(=|&|$)`, 'i')

function mayHoldSecret(search: string): boolean {
  // Escaped names (%63ode) are rare enough to take the slow, exact path.
  return search.includes('%') || SECRET_NAME.test(search)
}

/**
 * A URL cut down to what a reviewer may see: scheme, host, path and non-secret query parameters.
 * Returns null when the value is not a URL at all.
 */
export function stripSecretsFromUrl(raw: string): string | null {
  return stripSecrets(raw)?.href ?? null
}

/** The same as stripSecretsFromUrl, as a URL object. */
export function stripSecrets(raw: string): URL | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  // Each URL setter re-serialises the URL: only touch what is there.
  if (url.hash) url.hash = ''
  if (url.username) url.username = ''
  if (url.password) url.password = ''
  if (url.search && mayHoldSecret(url.search)) {
    for (const name of [...url.searchParams.keys()]) {
      if (SECRET_PARAMS.has(name.toLowerCase())) url.searchParams.delete(name)
    }
  }
  return url
}

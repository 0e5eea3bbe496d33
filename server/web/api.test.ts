import { describe, expect, it, vi } from 'vitest'
import { ApiError, auditExportUrl, createApi, toQueryString } from './api.ts'
import { fakeFetch, meAs } from './render-in-test.tsx'

function headersOf(init: RequestInit): Record<string, string> {
  return init.headers as Record<string, string>
}

describe('createApi', () => {
  it('sends the CSRF token from the login on every write, as JSON, same-origin', async () => {
    const { fetch, calls } = fakeFetch({
      'POST /api/v1/auth/login': meAs('admin'),
      'PUT /api/v1/admin/policy/apps/app-1': { byRisk: {}, apps: [], updatedAt: null },
      'GET /api/v1/apps': { items: [] },
      'POST /api/v1/devices/d-1/revoke': { ok: true },
    })
    const api = createApi({ fetch })
    await api.login('admin@acme.example', 'correct horse battery staple')
    await api.setAppPolicy('app-1', 'block')
    await api.listApps({ risk: 'high' })
    await api.revokeDevice('d-1')
    const [login, put, get, revoke] = calls
    expect(headersOf(login!.init)['X-CSRF-Token']).toBeUndefined()
    expect(headersOf(put!.init)).toMatchObject({
      'X-CSRF-Token': 'csrf-test-token',
      'Content-Type': 'application/json',
    })
    expect(put!.init.credentials).toBe('same-origin')
    expect(JSON.parse(String(put!.init.body))).toEqual({ action: 'block' })
    expect(headersOf(get!.init)['X-CSRF-Token']).toBeUndefined()
    expect(get!.url).toBe('/api/v1/apps?risk=high')
    // A write without a body still says JSON: the server treats an untyped post as a form.
    expect(headersOf(revoke!.init)).toMatchObject({
      'X-CSRF-Token': 'csrf-test-token',
      'Content-Type': 'application/json',
    })
    expect(revoke!.init.body).toBeUndefined()
  })

  it('takes the CSRF token from GET /auth/me when the session already exists', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/v1/auth/me': meAs('owner'),
      'DELETE /api/v1/enrollment-tokens/t-1': { ok: true },
    })
    const api = createApi({ fetch })
    await api.me()
    await api.revokeToken('t-1')
    expect(headersOf(calls[1]!.init)['X-CSRF-Token']).toBe('csrf-test-token')
  })

  it("surfaces the server's error message and code", async () => {
    const { fetch } = fakeFetch({
      'PUT /api/v1/apps/a-1/sanction': () =>
        Response.json(
          {
            error: { code: 'invalid_request', message: 'json: ownerEmail: Invalid email address' },
          },
          { status: 400 }
        ),
    })
    const api = createApi({ fetch })
    const error = await api
      .setSanction('a-1', { sanctioned: true, ownerEmail: 'x', purpose: 'y', expiresAt: null })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: 'json: ownerEmail: Invalid email address',
    })
  })

  it('says what happened when the answer is not JSON or the network is down', async () => {
    const api = createApi({
      fetch: async () =>
        new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    })
    await expect(api.summary()).rejects.toThrow('The server answered 502 Bad Gateway')
    const offline = createApi({
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    await expect(offline.summary()).rejects.toMatchObject({ status: 0, code: 'network_error' })
  })

  it('reports an ended session once, but not for a failed login or the first /me', async () => {
    const onUnauthorized = vi.fn()
    const unauthorized = () =>
      Response.json(
        { error: { code: 'unauthenticated', message: 'Log in first' } },
        { status: 401 }
      )
    const { fetch } = fakeFetch({
      'GET /api/v1/auth/me': unauthorized,
      'POST /api/v1/auth/login': () =>
        Response.json(
          { error: { code: 'bad_credentials', message: 'Wrong email or password' } },
          {
            status: 401,
          }
        ),
      'GET /api/v1/summary': unauthorized,
    })
    const api = createApi({ fetch, onUnauthorized })
    await expect(api.me()).rejects.toMatchObject({ status: 401 })
    await expect(api.login('a@b.example', 'nope')).rejects.toThrow('Wrong email or password')
    expect(onUnauthorized).not.toHaveBeenCalled()
    await expect(api.summary()).rejects.toThrow('Log in first')
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })
})

describe('query strings', () => {
  it('leaves out empty values', () => {
    expect(toQueryString({ q: '', risk: 'high', ai: null, order: undefined, limit: 5 })).toBe(
      '?risk=high&limit=5'
    )
    expect(toQueryString({})).toBe('')
  })

  it('builds audit export links with the filters and the format', () => {
    expect(auditExportUrl({ action: 'policy.app_changed' }, 'jsonl')).toBe(
      '/api/v1/audit?action=policy.app_changed&format=jsonl&limit=10000'
    )
  })
})

// Admin authentication: setup link, login, sessions, CSRF, roles and the login rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureFirstOrganisation } from '../domain/organisations.ts'
import {
  createTestServer,
  PASSWORD,
  PUBLIC_URL,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: PUBLIC_URL, ...headers },
  body: JSON.stringify(body),
})

describe.each(TEST_DB_KINDS)('admin auth on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  beforeAll(async () => {
    server = await createTestServer(kind)
    org = await server.createOrg()
  })
  afterAll(() => server.close())

  it('hands out a setup token on first start, once, and it makes the first owner', async () => {
    const fresh = await createTestServer(kind)
    try {
      const first = await ensureFirstOrganisation(fresh.db.db, new Date())
      expect(first.setupToken).toMatch(/^cst_/)
      const res = await fresh.app.request(
        '/api/v1/auth/setup',
        json({
          token: first.setupToken,
          email: 'Boss@Acme.example',
          name: 'Boss',
          password: PASSWORD,
        })
      )
      expect(res.status).toBe(201)
      const reuse = await fresh.app.request(
        '/api/v1/auth/setup',
        json({ token: first.setupToken, email: 'x@acme.example', name: 'X', password: PASSWORD })
      )
      expect(reuse.status).toBe(400)
      const again = await ensureFirstOrganisation(fresh.db.db, new Date())
      expect(again).toEqual({ orgId: first.orgId, setupToken: null })
      const login = await fresh.app.request(
        '/api/v1/auth/login',
        json({ email: 'boss@acme.example', password: PASSWORD })
      )
      expect(login.status).toBe(200)
      expect(await login.json()).toMatchObject({ role: 'owner', email: 'boss@acme.example' })
    } finally {
      await fresh.close()
    }
  })

  it('sets an HTTP-only, secure, same-site session cookie', async () => {
    const res = await server.app.request(
      '/api/v1/auth/login',
      json({ email: org.owner.email, password: PASSWORD })
    )
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/consentry_session=cses_/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/SameSite=Strict/)
  })

  it('refuses a wrong password and an unknown email alike', async () => {
    const wrong = await server.app.request(
      '/api/v1/auth/login',
      json({ email: org.owner.email, password: 'wrong password!' })
    )
    const unknown = await server.app.request(
      '/api/v1/auth/login',
      json({ email: 'nobody@nowhere.example', password: 'whatever123456' })
    )
    expect([wrong.status, unknown.status]).toEqual([401, 401])
    expect(await wrong.json()).toEqual(await unknown.json())
  })

  it('answers concurrent failed logins with 401 and keeps the audit chain whole', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.app.request(
          '/api/v1/auth/login',
          json({ email: org.owner.email, password: 'wrong password!' })
        )
      )
    )
    expect(attempts.map((r) => r.status)).toEqual(Array(20).fill(401))
    expect(await (await org.owner.request('GET', '/api/v1/audit/verify')).json()).toMatchObject({
      ok: true,
    })
  })

  it('needs a session for admin routes', async () => {
    expect((await server.app.request('/api/v1/grants')).status).toBe(401)
    expect(
      (
        await server.app.request('/api/v1/grants', {
          headers: { cookie: 'consentry_session=cses_forged' },
        })
      ).status
    ).toBe(401)
  })

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const res = await server.app.request(
      '/api/v1/enrollment-tokens',
      json({ label: 'x' }, { cookie: org.owner.cookie })
    )
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf_failed')
    const withToken = await org.owner.request('POST', '/api/v1/enrollment-tokens', { label: 'x' })
    expect(withToken.status).toBe(201)
  })

  it('refuses a form post from another origin', async () => {
    const res = await server.app.request('/api/v1/auth/logout', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        cookie: org.owner.cookie,
        'x-csrf-token': org.owner.csrf,
      },
      body: 'a=1',
    })
    expect(res.status).toBe(403)
  })

  it('ends the session on logout', async () => {
    const admin = await org.addAdmin('admin')
    expect((await admin.request('POST', '/api/v1/auth/logout')).status).toBe(200)
    expect((await admin.request('GET', '/api/v1/auth/me')).status).toBe(401)
  })

  it.each([
    ['auditor', 'POST', '/api/v1/enrollment-tokens', { label: 'x' }, 403],
    [
      'offboarding',
      'PUT',
      '/api/v1/admin/policy/risk',
      { low: 'allow', medium: 'allow', high: 'warn', critical: 'block' },
      403,
    ],
    [
      'admin',
      'POST',
      '/api/v1/admins',
      { email: 'new@acme.example', name: 'N', role: 'owner', password: PASSWORD },
      403,
    ],
    ['admin', 'POST', '/api/v1/enrollment-tokens', { label: 'x' }, 201],
    ['auditor', 'GET', '/api/v1/grants', undefined, 200],
    ['auditor', 'GET', '/api/v1/audit', undefined, 200],
  ] as const)('lets an %s %s %s: %i', async (role, method, path, body, status) => {
    const admin = await org.addAdmin(role)
    expect((await admin.request(method, path, body)).status).toBe(status)
  })

  it('lets the owner create admins with roles', async () => {
    const res = await org.owner.request('POST', '/api/v1/admins', {
      email: `aud-${Date.now()}@acme.example`,
      name: 'Aud',
      role: 'auditor',
      password: PASSWORD,
    })
    expect(res.status).toBe(201)
    const list = (await (await org.owner.request('GET', '/api/v1/admins')).json()) as {
      items: Array<{ role: string; passwordHash?: string }>
    }
    expect(list.items.some((a) => a.role === 'auditor')).toBe(true)
    expect(JSON.stringify(list)).not.toMatch(/scrypt/)
  })
})

describe('login rate limit', () => {
  it('answers 429 with Retry-After after too many attempts for one email', async () => {
    const server = await createTestServer('pglite', { loginAttemptsPer15Min: 3 })
    try {
      const org = await server.createOrg()
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) {
        const res = await server.app.request(
          '/api/v1/auth/login',
          json({ email: org.owner.email, password: 'not the password' })
        )
        statuses.push(res.status)
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
      }
      expect(statuses).toEqual([401, 401, 429, 429, 429])
    } finally {
      await server.close()
    }
  })
})

// An app on a fresh database with helpers to create organisations, admins and devices.
import { randomBytes, randomUUID } from 'node:crypto'
import { createSecretBox, type SecretBox } from '../../server/domain/secret-box.ts'
import { createApp } from '../../server/app.ts'
import { DEFAULT_LIMITS, silentLogger, type Deps, type Limits } from '../../server/deps.ts'
import { startJobs } from '../../server/jobs.ts'
import { createAdmin } from '../../server/domain/admin-auth.ts'
import { createOrganisation, issueSetupToken } from '../../server/domain/organisations.ts'
import type { AdminRole } from '../../shared/api/admin.ts'
import type { DeviceEventInput } from '../../shared/api/events.ts'
import { createTestDatabase, type TestDatabase, type TestDbKind } from './test-db.ts'

export const PUBLIC_URL = 'http://consentry.test'
export const PASSWORD = 'correct horse battery staple'

export interface AdminClient {
  email: string
  role: AdminRole
  cookie: string
  csrf: string
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>
  ): Promise<Response>
}

export interface OrgFixture {
  orgId: string
  owner: AdminClient
  /** Another admin of this organisation with the given role. */
  addAdmin(role: AdminRole): Promise<AdminClient>
  enrollDevice(email?: string | null): Promise<DeviceClient>
}

export interface DeviceClient {
  deviceId: string
  credential: string
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>
  ): Promise<Response>
  send(events: unknown[]): Promise<Response>
}

export interface TestServer {
  db: TestDatabase
  secretBox: SecretBox
  app: ReturnType<typeof createApp>
  now: { value: Date }
  createOrg(name?: string): Promise<OrgFixture>
  close(): Promise<void>
}

export async function createTestServer(
  kind: TestDbKind,
  limits: Partial<Limits> = {},
  options: {
    realClock?: boolean
    fetch?: typeof fetch
    /** Run the background jobs (revocation workers, scheduler) every this many ms, as main.ts does. */
    jobsEveryMs?: number
  } = {}
): Promise<TestServer> {
  const db = await createTestDatabase(kind)
  const now = { value: new Date('2026-11-23T09:00:00Z') }
  const secretBox = createSecretBox(randomBytes(32))
  const deps: Deps = {
    db: db.db,
    clock: options.realClock ? () => new Date() : () => new Date(now.value),
    log: silentLogger,
    limits: {
      ...DEFAULT_LIMITS,
      ingestPerDevicePerMinute: 10_000,
      loginAttemptsPer15Min: 1000,
      ...limits,
    },
    secureCookies: true,
    trustProxy: false,
    publicUrl: PUBLIC_URL,
    secretBox,
    fetch: options.fetch ?? globalThis.fetch,
  }
  const app = createApp(deps, db.ping)
  const jobs = options.jobsEveryMs ? startJobs(deps, options.jobsEveryMs) : null

  function call(method: string, path: string, body: unknown, headers: Record<string, string>) {
    const init: RequestInit = { method, headers: { ...headers } }
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body)
      ;(init.headers as Record<string, string>)['content-type'] ??= 'application/json'
    }
    return Promise.resolve(app.request(`${PUBLIC_URL}${path}`, init))
  }

  async function loginAs(email: string, role: AdminRole): Promise<AdminClient> {
    const res = await call('POST', '/api/v1/auth/login', { email, password: PASSWORD }, {})
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const me = (await res.json()) as { csrfToken: string }
    return {
      email,
      role,
      cookie,
      csrf: me.csrfToken,
      request: (method, path, body, headers = {}) =>
        call(method, path, body, {
          cookie,
          origin: PUBLIC_URL,
          'x-csrf-token': me.csrfToken,
          ...headers,
        }),
    }
  }

  async function createOrg(name = `Org ${randomUUID().slice(0, 8)}`): Promise<OrgFixture> {
    const org = await createOrganisation(db.db, name, now.value)
    const token = await issueSetupToken(db.db, org.id, now.value)
    const ownerEmail = `owner-${randomUUID().slice(0, 8)}@${org.id.slice(0, 8)}.example`
    const setup = await call(
      'POST',
      '/api/v1/auth/setup',
      { token, email: ownerEmail, name: 'Owner', password: PASSWORD },
      {}
    )
    if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`)
    const owner = await loginAs(ownerEmail, 'owner')
    return {
      orgId: org.id,
      owner,
      async addAdmin(role) {
        const email = `${role}-${randomUUID().slice(0, 8)}@${org.id.slice(0, 8)}.example`
        await createAdmin(
          db.db,
          {
            orgId: org.id,
            adminId: '',
            sessionId: '',
            orgName: name,
            email: ownerEmail,
            name: 'Owner',
            role: 'owner',
            csrfToken: '',
          },
          { email, name: role, role, password: PASSWORD },
          now.value
        )
        return loginAs(email, role)
      },
      async enrollDevice(
        email = `employee-${randomUUID().slice(0, 8)}@${org.id.slice(0, 8)}.example`
      ) {
        const tokenRes = await owner.request('POST', '/api/v1/enrollment-tokens', { label: 'test' })
        const { token: enrollmentToken } = (await tokenRes.json()) as { token: string }
        const res = await call(
          'POST',
          '/api/v1/enroll',
          { token: enrollmentToken, email, browser: 'chrome', extensionVersion: '0.1.0' },
          {}
        )
        if (res.status !== 201) throw new Error(`enroll failed: ${res.status} ${await res.text()}`)
        const { deviceId, credential } = (await res.json()) as {
          deviceId: string
          credential: string
        }
        const request: DeviceClient['request'] = (method, path, body, headers = {}) =>
          call(method, path, body, { authorization: `Bearer ${credential}`, ...headers })
        return {
          deviceId,
          credential,
          request,
          send: (events) => request('POST', '/api/v1/events', { events }),
        }
      },
    }
  }

  return {
    db,
    secretBox,
    app,
    now,
    createOrg,
    async close() {
      await jobs?.stop()
      await db.dispose()
    },
  }
}

/** A consent event as the extension reports it; override any field. */
export function consentEvent(
  overrides: Partial<Record<string, unknown>> & { request?: Record<string, unknown> } = {}
): DeviceEventInput {
  const { request, ...rest } = overrides
  return {
    id: randomUUID(),
    type: 'consent',
    occurredAt: '2026-11-23T08:30:00.000Z',
    flowId: randomUUID(),
    outcome: 'granted',
    request: {
      provider: 'google',
      kind: 'consent',
      host: 'accounts.google.com',
      clientId: '1234-abc.apps.googleusercontent.com',
      redirectHost: 'app.fireflies.ai',
      scopes: ['openid', 'https://www.googleapis.com/auth/drive.readonly'],
      offlineAccess: true,
      ...request,
    },
    ...rest,
  } as DeviceEventInput
}

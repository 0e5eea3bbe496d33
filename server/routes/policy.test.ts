// The consent policy: defaults, admin changes, per-app overrides, and the device's ETag caching.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consentEvent,
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

describe.each(TEST_DB_KINDS)('policy on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  beforeAll(async () => {
    server = await createTestServer(kind)
    org = await server.createOrg()
  })
  afterAll(() => server.close())

  it('gives a device the safe default policy before anyone changed it', async () => {
    const device = await org.enrollDevice()
    const res = await device.request('GET', '/api/v1/policy')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      byRisk: { low: 'allow', medium: 'allow', high: 'warn', critical: 'justify' },
      apps: [],
      updatedAt: null,
    })
  })

  it('answers 304 to a device that has the current ETag, and 200 after a change', async () => {
    const device = await org.enrollDevice()
    const first = await device.request('GET', '/api/v1/policy')
    const etag = first.headers.get('etag') ?? ''
    expect(etag).toMatch(/^".+"$/)
    expect(
      (await device.request('GET', '/api/v1/policy', undefined, { 'if-none-match': etag })).status
    ).toBe(304)
    const put = await org.owner.request('PUT', '/api/v1/admin/policy/risk', {
      low: 'allow',
      medium: 'warn',
      high: 'justify',
      critical: 'block',
    })
    expect(put.status).toBe(200)
    const after = await device.request('GET', '/api/v1/policy', undefined, {
      'if-none-match': etag,
    })
    expect(after.status).toBe(200)
    expect(((await after.json()) as { byRisk: { critical: string } }).byRisk.critical).toBe('block')
  })

  it('sets and clears a per-app rule that devices receive by provider and client id', async () => {
    const device = await org.enrollDevice()
    await device.send([consentEvent({ request: { clientId: 'policy-app' } })])
    const apps = (await (await org.owner.request('GET', '/api/v1/apps')).json()) as {
      items: Array<{ id: string; clientId: string }>
    }
    const app = apps.items.find((a) => a.clientId === 'policy-app')
    expect(app).toBeDefined()
    expect(
      (await org.owner.request('PUT', `/api/v1/admin/policy/apps/${app?.id}`, { action: 'block' }))
        .status
    ).toBe(200)
    let policy = (await (await device.request('GET', '/api/v1/policy')).json()) as {
      apps: unknown[]
    }
    expect(policy.apps).toEqual([{ provider: 'google', clientId: 'policy-app', action: 'block' }])
    expect(
      (await org.owner.request('PUT', `/api/v1/admin/policy/apps/${app?.id}`, { action: null }))
        .status
    ).toBe(200)
    policy = (await (await device.request('GET', '/api/v1/policy')).json()) as { apps: unknown[] }
    expect(policy.apps).toEqual([])
  })

  it('rejects an unknown action with a clear message', async () => {
    const res = await org.owner.request('PUT', '/api/v1/admin/policy/risk', {
      low: 'allow',
      medium: 'allow',
      high: 'maybe',
      critical: 'block',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/high/)
  })
})

// Discovery adds grants the extension never saw (source provider_api) and notices a revoked grant
// that came back, here against the Okta simulator through the real connector; GitHub is asked by
// each person's login.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOktaSimulator } from '../../test/simulators/okta.ts'
import { SIMULATOR_ADAPTERS } from '../../test/simulators/contract-adapters.ts'
import {
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { webhookDeliveries } from '../db/schema/index.ts'
import { resolveConnector } from './connections.ts'
import { discoverGrants, runDueDiscovery } from './discover-grants.ts'

describe.each(TEST_DB_KINDS)('discovery on %s', (kind) => {
  const okta = createOktaSimulator()
  let server: TestServer
  let org: OrgFixture
  beforeAll(async () => {
    server = await createTestServer(kind, {}, { fetch: okta.fetch })
    org = await server.createOrg()
    await org.enrollDevice('ada@acme.example') // makes the person
    okta.addUser({ login: 'ada@acme.example' })
    okta.addClient({ clientId: '0oaNotesAI', name: 'Notes AI' })
    okta.addGrants('ada@acme.example', '0oaNotesAI', [
      'openid',
      'offline_access',
      'okta.users.read',
    ])
    const res = await org.owner.request('PUT', '/api/v1/connections/okta', {
      credentials: { orgUrl: okta.orgUrl, apiToken: okta.apiToken },
      requestsPerSecond: 50,
    })
    expect(res.status).toBe(200)
  })
  afterAll(() => server.close())

  const ctx = () => ({
    db: server.db.db,
    secretBox: server.secretBox,
    fetch: okta.fetch,
    clock: () => server.now.value,
  })

  it('adds the grants the provider lists that the inventory did not know, once', async () => {
    const resolved = await resolveConnector(ctx(), org.orgId, 'okta')
    if (!resolved) throw new Error('not connected')
    const first = await discoverGrants(server.db.db, org.orgId, 'okta', resolved, server.now.value)
    expect(first).toMatchObject({ added: 1, found: 1, errors: [] })
    const second = await discoverGrants(server.db.db, org.orgId, 'okta', resolved, server.now.value)
    expect(second).toMatchObject({ added: 0, found: 1 })
    const grants = (await (
      await org.owner.request('GET', '/api/v1/grants?provider=okta')
    ).json()) as {
      items: Array<{ source: string; appName: string; personEmail: string; status: string }>
    }
    expect(grants.items).toMatchObject([
      {
        source: 'provider_api',
        appName: 'Notes AI',
        personEmail: 'ada@acme.example',
        status: 'active',
      },
    ])
  })

  it('runs on schedule once per interval, whatever the number of processes', async () => {
    const resolve = (o: string, p: string) => resolveConnector(ctx(), o, p)
    const runs = await Promise.all([
      runDueDiscovery(server.db.db, resolve, server.now.value),
      runDueDiscovery(server.db.db, resolve, server.now.value),
    ])
    expect(runs[0] + runs[1]).toBe(1)
    expect(await runDueDiscovery(server.db.db, resolve, server.now.value)).toBe(0)
  })

  it('notices a revoked grant that is back at the provider, and alerts the webhooks', async () => {
    const hook = await org.owner.request('POST', '/api/v1/webhooks', {
      url: 'https://hooks.acme.example/reappeared',
      format: 'json',
      events: ['grant.reappeared'],
    })
    expect(hook.status).toBe(201)
    await server.db.db.execute(
      `update grants set status = 'revoked' where provider = 'okta'` as never
    )
    const resolved = await resolveConnector(ctx(), org.orgId, 'okta')
    if (!resolved) throw new Error('not connected')
    expect(
      await discoverGrants(server.db.db, org.orgId, 'okta', resolved, server.now.value)
    ).toMatchObject({ reappeared: 1 })
    const audit = (await (
      await org.owner.request('GET', '/api/v1/audit?action=grant.reappeared')
    ).json()) as { items: Array<{ subjectId: string }> }
    expect(audit.items).toHaveLength(1)
    const alerts = await server.db.db
      .select({ event: webhookDeliveries.event, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.orgId, org.orgId))
    expect(alerts).toMatchObject([
      {
        event: 'grant.reappeared',
        payload: {
          event: 'grant.reappeared',
          data: {
            grantId: audit.items[0]?.subjectId,
            provider: 'okta',
            userEmail: 'ada@acme.example',
            clientId: '0oaNotesAI',
            appName: 'Notes AI',
          },
        },
      },
    ])
    // Seen again while active: no news, no second alert.
    await discoverGrants(server.db.db, org.orgId, 'okta', resolved, server.now.value)
    expect(
      await server.db.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.orgId, org.orgId))
    ).toHaveLength(1)
  })
})

describe.each(TEST_DB_KINDS)('discovery at GitHub on %s', (kind) => {
  const github = SIMULATOR_ADAPTERS.github()
  let server: TestServer
  let org: OrgFixture
  beforeAll(async () => {
    server = await createTestServer(kind, {}, { fetch: github.fetch })
    org = await server.createOrg()
    const res = await org.owner.request('PUT', '/api/v1/connections/github', {
      credentials: github.credentials,
      baseUrls: github.baseUrls,
      requestsPerSecond: 50,
    })
    expect(res.status).toBe(200)
  })
  afterAll(() => server.close())

  it("asks GitHub by each person's login, and skips people without one", async () => {
    const { clientIds } = github.seedUser('mona@acme.example', 1)
    github.seedUser('hubot@acme.example', 1)
    await org.enrollDevice('mona@acme.example')
    await org.enrollDevice('hubot@acme.example') // no login: GitHub cannot be asked about them
    const mona = (
      (await (await org.owner.request('GET', '/api/v1/people')).json()) as {
        items: Array<{ id: string; email: string }>
      }
    ).items.find((p) => p.email === 'mona@acme.example')
    await org.owner.request('PATCH', `/api/v1/people/${mona?.id}`, { githubLogin: 'mona' })
    const resolved = await resolveConnector(
      {
        db: server.db.db,
        secretBox: server.secretBox,
        fetch: github.fetch,
        clock: () => server.now.value,
      },
      org.orgId,
      'github'
    )
    if (!resolved) throw new Error('not connected')
    const result = await discoverGrants(
      server.db.db,
      org.orgId,
      'github',
      resolved,
      server.now.value
    )
    expect(result).toMatchObject({ people: 1, found: 1, added: 1, errors: [] })
    const grants = (await (
      await org.owner.request('GET', '/api/v1/grants?provider=github')
    ).json()) as { items: Array<{ personEmail: string; clientId: string }> }
    expect(grants.items).toMatchObject([{ personEmail: 'mona@acme.example' }])
    expect(clientIds).toHaveLength(1)
  })
})

// The Microsoft Entra ID connector against the in-process Microsoft Graph simulator.
import { describe, expect, it } from 'vitest'
import { createMicrosoftSimulator } from '../../test/simulators/microsoft.ts'
import {
  APP_ROLE_ASSIGNMENT_HANDLE,
  createMicrosoftConnector,
  MICROSOFT_DEFAULT_BASE_URLS,
  MicrosoftCredentials,
} from './microsoft.ts'
import type { RemoteGrant } from './types.ts'
import { DEFAULT_READ_RETRY } from './send-provider-request.ts'

/** The sender's read retries, without waiting. */
const noWait = { ...DEFAULT_READ_RETRY, sleep: async () => {} }
const TOKEN_PATH = /\/oauth2\/v2\.0\/token$/
const GUID = /^[0-9a-f-]{36}$/

function setup(options: Parameters<typeof createMicrosoftSimulator>[0] = {}) {
  let now = new Date('2026-11-23T09:00:00Z')
  const clock = () => now
  const sim = createMicrosoftSimulator({ clock, ...options })
  const connect = (credentials = sim.credentials) =>
    createMicrosoftConnector({
      credentials,
      baseUrls: sim.baseUrls,
      fetch: sim.fetch,
      clock,
      retry: noWait,
    })
  const alice = sim.addUser({ userPrincipalName: 'alice@contoso.com', displayName: 'Alice' })
  const bob = sim.addUser({ userPrincipalName: 'bob@contoso.com' })
  const assistant = sim.addServicePrincipal({
    displayName: 'Acme AI Assistant',
    appRoles: [
      {
        id: '5e0a3f0c-5b36-4a7e-9c1f-7a1f3c0b2d11',
        value: 'Workspace.Member',
        displayName: 'Member',
      },
    ],
  })
  const notes = sim.addServicePrincipal({ displayName: 'NoteBot' })
  return {
    sim,
    connector: connect(),
    connect,
    alice,
    bob,
    assistant,
    notes,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    lastRequestId: () => sim.requests.at(-1)?.requestId,
  }
}

async function grantsOf(connector: ReturnType<typeof setup>['connector'], email: string) {
  const res = await connector.listGrants({ email })
  if (!res.ok) throw new Error(`listGrants failed: ${res.message}`)
  return res.value
}

describe('MicrosoftCredentials', () => {
  const valid = {
    tenantId: 'aa689eea-f928-4e23-b21c-eab0df7405e8',
    clientId: '0b9c2f4e-1d3a-4c5b-8e7f-9a0b1c2d3e4f',
    clientSecret: 'abc8Q~secret-value',
  }

  it.each([valid.tenantId, 'contoso.onmicrosoft.com', ' contoso.com '])(
    'accepts the tenant %j',
    (tenantId) => {
      expect(MicrosoftCredentials.safeParse({ ...valid, tenantId }).success).toBe(true)
    }
  )

  it.each(['common', 'organizations', 'contoso.com/../x', '', 'contoso'])(
    'refuses the tenant %j (client credentials need one directory, and it goes in a URL)',
    (tenantId) => {
      expect(MicrosoftCredentials.safeParse({ ...valid, tenantId }).success).toBe(false)
    }
  )

  it('refuses a client id that is not a GUID and an empty secret', () => {
    expect(MicrosoftCredentials.safeParse({ ...valid, clientId: 'my-app' }).success).toBe(false)
    expect(MicrosoftCredentials.safeParse({ ...valid, clientSecret: '  ' }).success).toBe(false)
  })

  it('defaults to the public cloud', () => {
    expect(MICROSOFT_DEFAULT_BASE_URLS).toEqual({
      login: 'https://login.microsoftonline.com',
      graph: 'https://graph.microsoft.com',
    })
  })
})

describe('createMicrosoftConnector', () => {
  describe('access tokens', () => {
    it('gets one with client credentials and reuses it until five minutes before it expires', async () => {
      const { sim, connector, advance } = setup()
      expect((await connector.testConnection()).ok).toBe(true)
      expect((await connector.testConnection()).ok).toBe(true)
      expect(sim.count('POST', TOKEN_PATH)).toBe(1)

      advance((3599 - 5 * 60) * 1000 - 1000)
      await connector.testConnection()
      expect(sim.count('POST', TOKEN_PATH)).toBe(1)
      advance(2000)
      await connector.testConnection()
      expect(sim.count('POST', TOKEN_PATH)).toBe(2)
    })

    it('shares one token request between concurrent calls', async () => {
      const { sim, connector } = setup()
      const results = await Promise.all([1, 2, 3].map(() => connector.testConnection()))
      expect(results.every((r) => r.ok)).toBe(true)
      expect(sim.count('POST', TOKEN_PATH)).toBe(1)
    })

    it("fails permanently with Entra ID's message when the client secret is wrong", async () => {
      const { sim, connect } = setup()
      const connector = connect({ ...sim.credentials, clientSecret: 'not-the-secret' })
      const res = await connector.testConnection()
      expect(res).toMatchObject({ ok: false, kind: 'permanent', status: 401 })
      if (res.ok) return
      expect(res.message).toMatch(/^invalid_client: AADSTS7000215: Invalid client secret provided/)
      expect(res.message).not.toContain('not-the-secret')
      expect(res.requestId).toBe(sim.requests.at(-1)?.requestId)
      // A failure is never cached: the next call asks again.
      await connector.testConnection()
      expect(sim.count('POST', TOKEN_PATH)).toBe(2)
      expect(sim.count('GET', '/v1.0/organization')).toBe(0)
    })

    it('fails permanently when the tenant does not exist', async () => {
      const { sim, connect } = setup()
      const res = await connect({
        ...sim.credentials,
        tenantId: 'fabrikam.onmicrosoft.com',
      }).testConnection()
      expect(res).toMatchObject({ ok: false, kind: 'permanent', status: 400 })
      expect(!res.ok && res.message).toMatch(
        /AADSTS90002: Tenant 'fabrikam.onmicrosoft.com' not found/
      )
    })

    it('accepts the tenant by its domain name', async () => {
      const { sim, connect } = setup()
      const res = await connect({
        ...sim.credentials,
        tenantId: 'contoso.onmicrosoft.com',
      }).testConnection()
      expect(res.ok).toBe(true)
    })

    it('replaces, once, a token Entra ID stopped accepting before it expired', async () => {
      const { sim, connector } = setup()
      await connector.testConnection()
      sim.revokeAccessTokens()
      expect((await connector.testConnection()).ok).toBe(true)
      expect(sim.count('POST', TOKEN_PATH)).toBe(2)
      expect(sim.count('GET', '/v1.0/organization')).toBe(3)
    })

    it('asks for the .default scope of the configured Graph host (sovereign clouds)', async () => {
      const baseUrls = {
        login: 'https://login.microsoftonline.us',
        graph: 'https://graph.microsoft.us',
      }
      const sim = createMicrosoftSimulator({ baseUrls, tenantName: 'Contoso Gov' })
      const connector = createMicrosoftConnector({
        credentials: sim.credentials,
        baseUrls: { login: `${baseUrls.login}/`, graph: baseUrls.graph },
        fetch: sim.fetch,
      })
      expect(await connector.testConnection()).toMatchObject({ ok: true })
      expect(sim.requests.map((r) => r.host)).toEqual([
        'login.microsoftonline.us',
        'graph.microsoft.us',
      ])
    })
  })

  it("names the organisation in testConnection, with Graph's request id", async () => {
    const { sim, connector, lastRequestId } = setup()
    const res = await connector.testConnection()
    expect(res).toMatchObject({ ok: true, value: `Contoso (${sim.credentials.tenantId})` })
    expect(res.requestId).toMatch(GUID)
    expect(res.requestId).toBe(lastRequestId())
  })

  describe('listGrants', () => {
    it("lists a user's delegated grants by the client's appId, with its name and scopes", async () => {
      const { sim, connector, alice, bob, assistant, notes } = setup()
      const grant = sim.addGrant({
        clientId: assistant.id,
        principalId: alice.id,
        scope: 'openid profile offline_access Mail.Read Files.Read.All',
      })
      sim.addGrant({ clientId: notes.id, principalId: bob.id, scope: 'Notes.Read' })

      const res = await connector.listGrants({ email: 'alice@contoso.com' })
      expect(res).toMatchObject({ ok: true, status: 200 })
      expect(res.ok && res.value).toEqual([
        {
          provider: 'microsoft',
          userEmail: 'alice@contoso.com',
          userId: alice.id,
          clientId: assistant.appId,
          appName: 'Acme AI Assistant',
          scopes: ['openid', 'profile', 'offline_access', 'Mail.Read', 'Files.Read.All'],
          handle: grant.id,
        },
      ])
    })

    it('lists organisation-wide consents as tenant-wide grants', async () => {
      const { sim, connector, alice, notes } = setup()
      const orgWide = sim.addGrant({ clientId: notes.id, scope: 'User.Read Notes.ReadWrite' })
      expect(orgWide.consentType).toBe('AllPrincipals')
      const [grant] = await grantsOf(connector, 'alice@contoso.com')
      expect(grant).toMatchObject({
        clientId: notes.appId,
        handle: orgWide.id,
        userId: alice.id,
        tenantWide: true,
      })
    })

    it("lists the user's own app role assignments with the role's value, not their groups'", async () => {
      const { sim, connector, alice, assistant, notes } = setup()
      const groupId = '7f0c1b2a-3d4e-4f50-8a9b-0c1d2e3f4a5b'
      sim.addUser({ id: alice.id, userPrincipalName: alice.userPrincipalName, memberOf: [groupId] })
      const member = sim.addAppRoleAssignment({
        principalId: alice.id,
        resourceId: assistant.id,
        appRoleId: assistant.appRoles[0]!.id,
      })
      const plain = sim.addAppRoleAssignment({ principalId: alice.id, resourceId: notes.id })
      sim.addAppRoleAssignment({
        principalId: groupId,
        principalType: 'Group',
        resourceId: notes.id,
      })

      const grants = await grantsOf(connector, 'alice@contoso.com')
      expect(grants).toEqual([
        expect.objectContaining({
          clientId: assistant.appId,
          appName: 'Acme AI Assistant',
          scopes: ['Workspace.Member'],
          handle: `${APP_ROLE_ASSIGNMENT_HANDLE}${member.id}`,
        }),
        expect.objectContaining({
          clientId: notes.appId,
          scopes: [],
          handle: `${APP_ROLE_ASSIGNMENT_HANDLE}${plain.id}`,
        }),
      ])
    })

    it('looks each service principal up once', async () => {
      const { sim, connector, alice, bob, assistant } = setup()
      sim.addGrant({ clientId: assistant.id, principalId: alice.id, scope: 'User.Read' })
      sim.addGrant({ clientId: assistant.id, principalId: bob.id, scope: 'User.Read' })
      await grantsOf(connector, 'alice@contoso.com')
      await grantsOf(connector, 'bob@contoso.com')
      expect(sim.count('GET', `/v1.0/servicePrincipals/${assistant.id}`)).toBe(1)
    })

    it('shares a lookup under way between concurrent listings of users of the same app', async () => {
      const { sim, connector, alice, bob, assistant, notes } = setup()
      const users = [alice, bob]
      for (let i = 0; i < 4; i++) {
        const user = sim.addUser({ userPrincipalName: `user${i}@contoso.com` })
        users.push(user)
      }
      for (const user of users) {
        sim.addGrant({ clientId: assistant.id, principalId: user.id, scope: 'User.Read' })
        sim.addGrant({ clientId: notes.id, principalId: user.id, scope: 'Notes.Read' })
      }
      const listed = await Promise.all(
        [
          'alice@contoso.com',
          'bob@contoso.com',
          ...[0, 1, 2, 3].map((i) => `user${i}@contoso.com`),
        ].map((email) => grantsOf(connector, email))
      )
      for (const grants of listed)
        expect(grants.map((g) => g.clientId).sort()).toEqual([assistant.appId, notes.appId].sort())
      expect(sim.count('GET', `/v1.0/servicePrincipals/${assistant.id}`)).toBe(1)
      expect(sim.count('GET', `/v1.0/servicePrincipals/${notes.id}`)).toBe(1)
    })

    it('asks again after a failed lookup: a failure is shared while under way, never kept', async () => {
      const { sim, connector, alice, assistant } = setup()
      sim.addGrant({ clientId: assistant.id, principalId: alice.id, scope: 'User.Read' })
      sim.failNext(noWait.attempts, 503, { path: new RegExp(`/servicePrincipals/${assistant.id}`) })
      const [first, second] = await Promise.all([
        connector.listGrants({ email: 'alice@contoso.com' }),
        connector.listGrants({ email: 'alice@contoso.com' }),
      ])
      expect(first).toMatchObject({ ok: false, kind: 'transient', status: 503 })
      expect(second).toMatchObject({ ok: false, kind: 'transient', status: 503 })
      expect(sim.count('GET', `/v1.0/servicePrincipals/${assistant.id}`)).toBe(noWait.attempts)
      expect((await grantsOf(connector, 'alice@contoso.com')).map((g) => g.clientId)).toEqual([
        assistant.appId,
      ])
    })

    it('finds the user by primary mail when the work email is not the userPrincipalName', async () => {
      const { sim, connector, assistant } = setup()
      const carol = sim.addUser({
        userPrincipalName: 'cwu@contoso.onmicrosoft.com',
        mail: 'carol.wu@contoso.com',
      })
      sim.addGrant({ clientId: assistant.id, principalId: carol.id, scope: 'User.Read' })
      const [grant] = await grantsOf(connector, 'carol.wu@contoso.com')
      expect(grant).toMatchObject({ userId: carol.id, userEmail: 'carol.wu@contoso.com' })
    })

    it("uses the provider's user id when it is known", async () => {
      const { sim, connector, alice } = setup()
      const res = await connector.listGrants({
        email: 'renamed@contoso.com',
        providerUserId: alice.id,
      })
      expect(res.ok).toBe(true)
      expect(sim.count('GET', `/v1.0/users/${alice.id}`)).toBe(1)
    })

    it.each([
      ['a B2B guest', 'partner_fabrikam.com#EXT#@contoso.onmicrosoft.com'],
      ["a userPrincipalName starting with '$'", "$o'neil@contoso.com"],
    ])('resolves %s by userPrincipalName', async (_name, upn) => {
      const { sim, connector, notes } = setup()
      const user = sim.addUser({ userPrincipalName: upn, mail: null })
      sim.addGrant({ clientId: notes.id, principalId: user.id, scope: 'User.Read' })
      expect(await grantsOf(connector, upn)).toEqual([expect.objectContaining({ userId: user.id })])
    })

    it('answers a permanent 404 for a user Entra ID does not know', async () => {
      const { connector } = setup()
      const res = await connector.listGrants({ email: 'nobody@contoso.com' })
      expect(res).toMatchObject({ ok: false, kind: 'permanent', status: 404 })
      expect(!res.ok && res.message).toContain(
        "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present."
      )
    })

    it('follows @odata.nextLink through every page', async () => {
      const { sim, connector, alice } = setup({ pageSize: 2 })
      for (let i = 0; i < 5; i++) {
        const sp = sim.addServicePrincipal({ displayName: `Tool ${i}` })
        sim.addGrant({ clientId: sp.id, principalId: alice.id, scope: 'User.Read' })
      }
      const grants = await grantsOf(connector, 'alice@contoso.com')
      expect(grants.map((g) => g.appName)).toEqual([
        'Tool 0',
        'Tool 1',
        'Tool 2',
        'Tool 3',
        'Tool 4',
      ])
      expect(sim.requests.filter((r) => r.search.includes('$skiptoken')).length).toBe(2)
    })

    it('never sends the token to a nextLink on another host', async () => {
      const { sim, alice, notes } = setup({ pageSize: 1 })
      sim.addGrant({ clientId: notes.id, principalId: alice.id, scope: 'User.Read' })
      sim.addGrant({
        clientId: sim.graphServicePrincipal().id,
        principalId: alice.id,
        scope: 'User.Read',
      })
      const hosts: string[] = []
      // A response whose nextLink points elsewhere, as a compromised proxy might send.
      const tampering: typeof fetch = async (input, init) => {
        hosts.push(new URL(String(input)).host)
        const res = await sim.fetch(input, init)
        const text = await res.text()
        return new Response(text.replaceAll(sim.baseUrls.graph, 'https://evil.example'), res)
      }
      const connector = createMicrosoftConnector({
        credentials: sim.credentials,
        baseUrls: sim.baseUrls,
        fetch: tampering,
      })
      const res = await connector.listGrants({ email: 'alice@contoso.com' })
      expect(res).toMatchObject({ ok: false, kind: 'permanent' })
      expect(!res.ok && res.message).toMatch(
        /refusing to follow @odata.nextLink to another host: evil.example/
      )
      expect(hosts).not.toContain('evil.example')
    })
  })

  describe('revokeGrant', () => {
    it("deletes a user's delegated grant, and a second revoke is already_gone", async () => {
      const { sim, connector, alice, assistant } = setup()
      const grant = sim.addGrant({
        clientId: assistant.id,
        principalId: alice.id,
        scope: 'Mail.Read',
      })
      const [remote] = await grantsOf(connector, 'alice@contoso.com')

      expect(await connector.revokeGrant(remote!)).toMatchObject({
        ok: true,
        value: 'revoked',
        status: 204,
      })
      expect(sim.hasGrant(grant.id)).toBe(false)
      expect(await connector.revokeGrant(remote!)).toMatchObject({
        ok: true,
        value: 'already_gone',
        status: 404,
      })
    })

    it('counts a 404 on the DELETE itself as already gone (app role assignments)', async () => {
      const { sim, connector, alice, assistant } = setup()
      const assignment = sim.addAppRoleAssignment({
        principalId: alice.id,
        resourceId: assistant.id,
      })
      const [remote] = await grantsOf(connector, 'alice@contoso.com')

      expect(await connector.revokeGrant(remote!)).toMatchObject({ ok: true, value: 'revoked' })
      expect(sim.hasAppRoleAssignment(assignment.id)).toBe(false)
      expect(await connector.revokeGrant(remote!)).toMatchObject({
        ok: true,
        value: 'already_gone',
      })
      const deletes = sim.requests.filter((r) => r.method === 'DELETE')
      expect(deletes.map((r) => [r.path, r.status])).toEqual([
        [`/v1.0/users/${alice.id}/appRoleAssignments/${assignment.id}`, 204],
        [`/v1.0/users/${alice.id}/appRoleAssignments/${assignment.id}`, 404],
      ])
    })

    it('leaves an organisation-wide consent to an administrator and deletes nothing', async () => {
      const { sim, connector, notes } = setup()
      const orgWide = sim.addGrant({ clientId: notes.id, scope: 'User.Read' })
      const [remote] = await grantsOf(connector, 'alice@contoso.com')

      const res = await connector.revokeGrant(remote!)
      expect(res).toMatchObject({ ok: false, kind: 'needs_admin_decision', status: 200 })
      expect(!res.ok && res.message).toMatch(
        /NoteBot holds an organisation-wide \(AllPrincipals\) consent/
      )
      expect(sim.hasGrant(orgWide.id)).toBe(true)
      expect(sim.count('DELETE', /./)).toBe(0)
    })

    it('reads the grant back, so a stored copy that lost its tenantWide flag deletes nothing', async () => {
      const { sim, connector, alice, notes } = setup()
      const orgWide = sim.addGrant({ clientId: notes.id, scope: 'User.Read' })
      const [remote] = await grantsOf(connector, 'alice@contoso.com')
      const stale: RemoteGrant = { ...remote!, tenantWide: undefined, userId: alice.id }

      expect(await connector.revokeGrant(stale)).toMatchObject({
        ok: false,
        kind: 'needs_admin_decision',
      })
      expect(sim.hasGrant(orgWide.id)).toBe(true)
    })

    it("refuses to delete another user's grant", async () => {
      const { sim, connector, alice, bob, assistant } = setup()
      const bobs = sim.addGrant({ clientId: assistant.id, principalId: bob.id, scope: 'Mail.Read' })
      const forged: RemoteGrant = {
        provider: 'microsoft',
        userEmail: 'alice@contoso.com',
        userId: alice.id,
        clientId: assistant.appId,
        appName: null,
        scopes: [],
        handle: bobs.id,
      }
      expect(await connector.revokeGrant(forged)).toMatchObject({
        ok: false,
        kind: 'permanent',
        status: 409,
      })
      expect(sim.hasGrant(bobs.id)).toBe(true)
    })

    it("reports a missing permission with Graph's message", async () => {
      const { sim, connector, alice, assistant } = setup({ permissions: ['Directory.Read.All'] })
      sim.addGrant({ clientId: assistant.id, principalId: alice.id, scope: 'Mail.Read' })
      const [remote] = await grantsOf(connector, 'alice@contoso.com')
      const res = await connector.revokeGrant(remote!)
      expect(res).toMatchObject({
        ok: false,
        kind: 'permanent',
        status: 403,
        message: 'Insufficient privileges to complete the operation.',
      })
      expect(res.requestId).toMatch(GUID)
    })
  })

  describe('verifyRevoked', () => {
    it('is true once the grant is deleted', async () => {
      const { sim, connector, alice, assistant } = setup()
      sim.addGrant({ clientId: assistant.id, principalId: alice.id, scope: 'Mail.Read' })
      sim.addAppRoleAssignment({ principalId: alice.id, resourceId: assistant.id })
      const grants = await grantsOf(connector, 'alice@contoso.com')
      expect(grants).toHaveLength(2)
      for (const grant of grants) {
        expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: false })
        await connector.revokeGrant(grant)
        expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: true })
      }
    })

    it('is false when the grant comes back after the delete', async () => {
      const { sim, connector, alice, assistant } = setup()
      sim.addGrant({ clientId: assistant.id, principalId: alice.id, scope: 'Mail.Read' })
      sim.addAppRoleAssignment({ principalId: alice.id, resourceId: assistant.id })
      sim.reappearAfterDelete = true
      for (const grant of await grantsOf(connector, 'alice@contoso.com')) {
        expect(await connector.revokeGrant(grant)).toMatchObject({ ok: true, value: 'revoked' })
        expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: false })
      }
    })
  })

  describe('provider failures', () => {
    it('maps Graph throttling to rate_limited with its Retry-After, per tenant', async () => {
      const { sim, connector } = setup()
      sim.rateLimit = { limit: 2, windowMs: 60_000 }
      expect((await connector.testConnection()).ok).toBe(true)
      expect((await connector.testConnection()).ok).toBe(true)
      const res = await connector.testConnection()
      expect(res).toMatchObject({
        ok: false,
        kind: 'rate_limited',
        status: 429,
        retryAfterMs: 60_000,
        message: 'Please retry again later.',
      })
      expect(res.requestId).toBe(sim.requests.at(-1)?.requestId)

      // Another tenant has its own budget.
      const other = sim.addTenant({
        tenantId: 'b5a1c7de-0f2e-4d3c-9b8a-7f6e5d4c3b2a',
        displayName: 'Fabrikam',
      })
      const fabrikam = createMicrosoftConnector({
        credentials: other,
        baseUrls: sim.baseUrls,
        fetch: sim.fetch,
      })
      expect(await fabrikam.testConnection()).toMatchObject({
        ok: true,
        value: `Fabrikam (${other.tenantId})`,
      })
    })

    it('takes retryAfterMs from the Retry-After of an injected 429', async () => {
      const { sim, connector } = setup()
      sim.failNext(1, 429, { path: '/v1.0/organization', retryAfterSeconds: 7 })
      expect(await connector.testConnection()).toMatchObject({
        kind: 'rate_limited',
        retryAfterMs: 7000,
      })
      expect((await connector.testConnection()).ok).toBe(true)
    })

    it.each([500, 502, 503, 504])(
      'maps a Graph %i to transient, with its message and request id',
      async (status) => {
        const { sim, connector, lastRequestId } = setup()
        // Every try the shared sender makes at a read fails.
        sim.failNext(noWait.attempts, status, { path: /^\/v1\.0\/users\// })
        const res = await connector.listGrants({ email: 'alice@contoso.com' })
        expect(res).toMatchObject({ ok: false, kind: 'transient', status })
        expect(!res.ok && res.message).toMatch(/\w+/)
        expect(res.requestId).toBe(lastRequestId())
        expect((await connector.listGrants({ email: 'alice@contoso.com' })).ok).toBe(true)
      }
    )

    it('maps a token endpoint outage to transient', async () => {
      const { sim, connector } = setup()
      sim.failNext(1, 503, { path: TOKEN_PATH })
      const res = await connector.testConnection()
      expect(res).toMatchObject({ ok: false, kind: 'transient', status: 503 })
      expect(!res.ok && res.message).toMatch(/AADSTS90033/)
    })

    it('maps random 5xx from failureRate to transient', async () => {
      const { sim, connector } = setup({ random: () => 0 })
      sim.failureRate = 0.5
      expect(await connector.testConnection()).toMatchObject({
        ok: false,
        kind: 'transient',
        status: 503,
      })
    })
  })

  it("revokes a user's sign-in sessions", async () => {
    const { sim, connector, alice } = setup()
    expect(sim.sessionsRevokedAt(alice.id)).toBeNull()
    const res = await connector.revokeSignInSessions({ email: 'alice@contoso.com' })
    expect(res).toMatchObject({ ok: true, value: true, status: 200 })
    expect(sim.sessionsRevokedAt(alice.id)).not.toBeNull()
    expect(sim.count('POST', `/v1.0/users/${alice.id}/revokeSignInSessions`)).toBe(1)
  })
})

describe('the Microsoft simulator', () => {
  async function token(sim: ReturnType<typeof createMicrosoftSimulator>, tenant = sim.credentials) {
    const res = await sim.fetch(`${sim.baseUrls.login}/${tenant.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: tenant.clientId,
        client_secret: tenant.clientSecret,
        scope: `${sim.baseUrls.graph}/.default`,
        grant_type: 'client_credentials',
      }),
    })
    return ((await res.json()) as { access_token: string }).access_token
  }

  it.each([
    ['no token', undefined, 'Access token is empty.'],
    ['a malformed token', 'Bearer abc', 'IDX14100: JWT is not well formed, there are no dots (.).'],
    ['a token it never issued', 'Bearer a.b.c', 'Access token validation failure.'],
  ])('rejects a Graph call with %s the way Graph does', async (_name, authorization, message) => {
    const sim = createMicrosoftSimulator()
    const res = await sim.fetch(`${sim.baseUrls.graph}/v1.0/organization`, {
      headers: authorization ? { authorization } : {},
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=""/)
    const body = (await res.json()) as {
      error: { code: string; message: string; innerError: Record<string, string> }
    }
    expect(body.error.code).toBe('InvalidAuthenticationToken')
    expect(body.error.message.startsWith(message)).toBe(true)
    expect(body.error.innerError['request-id']).toBe(res.headers.get('request-id'))
  })

  it('rejects an expired token', async () => {
    let now = new Date('2026-11-23T09:00:00Z')
    const sim = createMicrosoftSimulator({ clock: () => now, tokenLifetimeSeconds: 60 })
    const bearer = await token(sim)
    now = new Date(now.getTime() + 61_000)
    const res = await sim.fetch(`${sim.baseUrls.graph}/v1.0/organization`, {
      headers: { authorization: `Bearer ${bearer}` },
    })
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('Lifetime validation failed, the token is expired.')
  })

  it('answers a token request for another resource with AADSTS70011', async () => {
    const sim = createMicrosoftSimulator()
    const res = await sim.app.request(`/${sim.credentials.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: sim.credentials.clientId,
        client_secret: sim.credentials.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
      }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_scope', error_codes: [70011] })
  })

  it("keeps tenants apart: a token sees only its own tenant's grants", async () => {
    const sim = createMicrosoftSimulator()
    const other = sim.addTenant({ displayName: 'Fabrikam' })
    const sp = sim.addServicePrincipal({ displayName: 'Tool' }, other.tenantId)
    const theirs = sim.addGrant({ clientId: sp.id, scope: 'User.Read' }, other.tenantId)
    const res = await sim.fetch(`${sim.baseUrls.graph}/v1.0/oauth2PermissionGrants/${theirs.id}`, {
      headers: { authorization: `Bearer ${await token(sim)}` },
    })
    expect(res.status).toBe(404)
    expect(sim.hasGrant(theirs.id, other.tenantId)).toBe(true)
  })

  it('refuses to fetch any host but its own', async () => {
    const sim = createMicrosoftSimulator()
    await expect(sim.fetch('https://graph.microsoft.com/v1.0/organization')).rejects.toThrow(
      /not served by the Microsoft simulator/
    )
  })
})

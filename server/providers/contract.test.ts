// The connector contract: every connector in the registry, against its own simulator, lists,
// revokes idempotently, verifies, and maps 5xx and 429 the same way.
import { beforeEach, describe, expect, it } from 'vitest'
import { seedContractFixture } from '../../test/simulators/contract-adapters.ts'
import { PROVIDER_REGISTRY } from './index.ts'
import { DEFAULT_READ_RETRY } from './send-provider-request.ts'
import { PROVIDER_IDS, type ProviderConnector, type ProviderId, type RemoteGrant } from './types.ts'

const now = new Date('2026-11-23T09:00:00Z')
const clock = () => now
/** The sender's read retries, without waiting. */
const noWait = { ...DEFAULT_READ_RETRY, sleep: async () => {} }

function connect(
  provider: ProviderId,
  fixture: ReturnType<typeof seedContractFixture>,
  sent: string[] = []
) {
  const entry = PROVIDER_REGISTRY[provider]
  return entry.create({
    // Parsed as saveConnection stores them: schema defaults and transforms applied.
    credentials: entry.credentials.parse(fixture.credentials) as never,
    baseUrls: fixture.sim.baseUrls,
    fetch: (input, init) => {
      sent.push(`${init?.method ?? 'GET'} ${input instanceof Request ? input.url : String(input)}`)
      return fixture.sim.fetch(input, init)
    },
    clock,
    retry: noWait,
  })
}

describe.each(PROVIDER_IDS)('the %s connector', (provider) => {
  let fixture: ReturnType<typeof seedContractFixture>
  let connector: ProviderConnector
  /** Every request the connector sent, as "METHOD url". */
  let sent: string[]

  beforeEach(() => {
    fixture = seedContractFixture(provider, { clock })
    sent = []
    connector = connect(provider, fixture, sent)
  })

  async function grantsOfUser(): Promise<RemoteGrant[]> {
    const listed = await connector.listGrants(fixture.user)
    if (!listed.ok) throw new Error(`listGrants failed: ${listed.kind} ${listed.message}`)
    return listed.value
  }

  async function oneGrant(): Promise<RemoteGrant> {
    const grant = (await grantsOfUser()).find((g) => g.clientId === fixture.clientIds[0])
    if (!grant) throw new Error(`no grant for ${fixture.clientIds[0]}`)
    return grant
  }

  it('is the registry entry for its provider', () => {
    expect(connector.id).toBe(provider)
  })

  it('proves its credentials with testConnection', async () => {
    const result = await connector.testConnection()
    expect(result).toMatchObject({ ok: true, value: expect.any(String) })
  })

  it("lists both of the user's apps by client id", async () => {
    const grants = await grantsOfUser()
    expect(grants.map((g) => g.clientId).sort()).toEqual([...fixture.clientIds].sort())
    for (const grant of grants)
      expect(grant).toMatchObject({ provider, userEmail: fixture.user.email })
  })

  it('revokes a grant, then reports it already gone', async () => {
    const grant = await oneGrant()
    expect(await connector.revokeGrant(grant)).toMatchObject({ ok: true, value: 'revoked' })
    expect(fixture.isPresent(grant.clientId)).toBe(false)
    expect(await connector.revokeGrant(grant)).toMatchObject({ ok: true, value: 'already_gone' })
    // The other app is untouched.
    expect(fixture.isPresent(fixture.clientIds[1]!)).toBe(true)
  })

  it('verifies a revoked grant as gone and a live one as still there', async () => {
    const grant = await oneGrant()
    expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: false })
    await connector.revokeGrant(grant)
    expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: true })
    const left = (await grantsOfUser()).map((g) => g.clientId)
    expect(left).toEqual([fixture.clientIds[1]])
  })

  it('does not verify a grant that comes back after its delete', async () => {
    const grant = await oneGrant()
    fixture.makeReappear()
    expect(await connector.revokeGrant(grant)).toMatchObject({ ok: true })
    expect(fixture.isPresent(grant.clientId)).toBe(true)
    expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: false })
  })

  it('lists despite one 5xx (reads are retried), or answers transient once the retries are spent', async () => {
    await grantsOfUser() // an access token first: token requests are POSTs, sent once
    fixture.injectTransient()
    const listed = await connector.listGrants(fixture.user)
    expect(listed.ok && listed.value.map((g) => g.clientId).sort()).toEqual(
      [...fixture.clientIds].sort()
    )
    fixture.sim.injectTransient(noWait.attempts)
    expect(await connector.listGrants(fixture.user)).toMatchObject({
      ok: false,
      kind: 'transient',
      status: expect.any(Number),
    })
  })

  it('answers a 5xx on revoking as transient, sends no write twice, and the grant stays', async () => {
    const grant = await oneGrant()
    sent.length = 0
    // Enough faults for every try at a read the revoke may make first (Microsoft looks up the
    // app's service principal), so a write sent after those reads fails too.
    fixture.sim.injectTransient(noWait.attempts)
    expect(await connector.revokeGrant(grant)).toMatchObject({ ok: false, kind: 'transient' })
    expect(fixture.isPresent(grant.clientId)).toBe(true)
    const writes = sent.filter((s) => !s.startsWith('GET '))
    expect(writes).toEqual([...new Set(writes)])
  })

  it('answers a rate limit as rate_limited with a wait', async () => {
    fixture.injectRateLimit()
    const result = await connector.listGrants(fixture.user)
    expect(result).toMatchObject({ ok: false, kind: 'rate_limited' })
    if (result.ok || result.kind !== 'rate_limited') return
    expect(result.retryAfterMs).toBeGreaterThan(0)
  })

  it('answers a rate limit on revoking as rate_limited, and the grant stays', async () => {
    const grant = await oneGrant()
    fixture.injectRateLimit()
    expect(await connector.revokeGrant(grant)).toMatchObject({ ok: false, kind: 'rate_limited' })
    expect(fixture.isPresent(grant.clientId)).toBe(true)
  })
})

describe('a tenant-wide grant', () => {
  it('is left for an admin to decide when Slack uninstalls are not allowed', async () => {
    const fixture = seedContractFixture('slack', { clock, allowUninstall: false })
    const connector = connect('slack', fixture)
    const listed = await connector.listGrants(fixture.user)
    if (!listed.ok) throw new Error(listed.message)
    const grant = listed.value.find((g) => g.clientId === fixture.clientIds[0])
    expect(grant).toMatchObject({ tenantWide: true })
    expect(await connector.revokeGrant(grant!)).toMatchObject({
      ok: false,
      kind: 'needs_admin_decision',
      message: expect.stringContaining('allowUninstall'),
    })
    expect(fixture.isPresent(grant!.clientId)).toBe(true)
  })
})

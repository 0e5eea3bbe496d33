// The Shared Signals receiver: SETs pushed by a transmitter whose JWKS is served through the fetch
// stub; every refusal carries its RFC 8935 error code, and a jti is applied once.
import { and, asc, eq } from 'drizzle-orm'
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, offboardingCases, people } from '../db/schema/index.ts'
import { upsertPersonRecord } from '../domain/leavers.ts'
import {
  createTestServer,
  PUBLIC_URL,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import {
  accountDisabled,
  accountEnabled,
  accountPurgedRisc,
  emailSubject,
  sessionRevoked,
  verification,
  type SetBase,
} from '../../test/fixtures/ssf/events.ts'
import {
  b64url,
  createTestTransmitter,
  type TestTransmitter,
} from '../../test/fixtures/ssf/transmitter.ts'

const AUDIENCE = 'https://consentry.test/ssf'

describe.each(TEST_DB_KINDS)('Shared Signals receiver on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  let idp: TestTransmitter
  let down: TestTransmitter
  beforeAll(async () => {
    idp = await createTestTransmitter('https://idp.acme.example')
    down = await createTestTransmitter('https://down.example', 'RS256')
    down.jwksStatus.value = 500
    server = await createTestServer(
      kind,
      {},
      {
        fetch: (input, init) =>
          String(input).startsWith(idp.issuer) ? idp.fetch(input, init) : down.fetch(input, init),
      }
    )
    org = await server.createOrg()
    const res = await org.owner.request('PUT', '/api/v1/feeds/ssf', {
      issuer: idp.issuer,
      audience: AUDIENCE,
      jwksUrl: idp.jwksUrl,
    })
    expect(res.status).toBe(200)
  })
  afterAll(() => server.close())

  const now = () => Math.floor(server.now.value.getTime() / 1000)
  const claims = (over: Partial<SetBase> = {}): SetBase => ({
    iss: idp.issuer,
    aud: AUDIENCE,
    iat: now(),
    ...over,
  })
  const push = (token: string, headers: Record<string, string> = {}, orgId = org.orgId) =>
    Promise.resolve(
      server.app.request(`${PUBLIC_URL}/api/v1/ssf/events/${orgId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/secevent+jwt', ...headers },
        body: token,
      })
    )
  const expectRefused = async (res: Response, err: string) => {
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as { err: string; description: string }
    expect(body).toEqual({ err, description: expect.any(String) })
    return body.description
  }
  const personByEmail = async (email: string) => {
    const [p] = await server.db.db
      .select()
      .from(people)
      .where(and(eq(people.orgId, org.orgId), eq(people.email, email)))
    return p
  }
  const caseOf = async (personId: string) => {
    const [c] = await server.db.db
      .select()
      .from(offboardingCases)
      .where(eq(offboardingCases.personId, personId))
    return c
  }
  const auditEntries = () =>
    server.db.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.orgId, org.orgId))
      .orderBy(asc(auditLog.seq))

  it('makes a disabled account a leaver today: status left, an open case due today, audited', async () => {
    const set = accountDisabled(claims(), emailSubject('Ada@Acme.example'))
    const res = await push(await idp.sign(set))
    expect(res.status).toBe(202)
    expect(await res.text()).toBe('')
    const ada = await personByEmail('ada@acme.example')
    expect(ada).toMatchObject({ status: 'left', departureDate: '2026-11-23', leavingSource: 'ssf' })
    expect(await caseOf(ada!.id)).toMatchObject({ state: 'open', dueDate: '2026-11-23' })
    const entries = (await auditEntries()).filter((e) => e.subjectId === ada!.id)
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ['person.account_disabled', set.jti],
      ['person.left', set.jti],
    ])
    expect(entries[0]?.data).toMatchObject({
      source: 'ssf',
      reason: 'bulk-account',
      subject: { format: 'email', email: 'Ada@Acme.example' },
    })
  })

  it('fetches the JWKS once through deps.fetch and caches it', async () => {
    const before = idp.jwksRequests()
    expect(before).toBe(1)
    const res = await push(await idp.sign(verification(claims())))
    expect(res.status).toBe(202)
    expect(idp.jwksRequests()).toBe(before)
  })

  it('resolves a subject by alias, by RISC iss-sub (SCIM externalId) and keeps an earlier departure', async () => {
    await server.db.db.transaction((tx) =>
      upsertPersonRecord(
        tx,
        org.orgId,
        { email: 'bob@acme.example', aliases: ['bobby@acme.example'] },
        'scim',
        server.now.value
      )
    )
    await server.db.db.transaction((tx) =>
      upsertPersonRecord(
        tx,
        org.orgId,
        { email: 'carol@acme.example', externalId: '00u-carol' },
        'scim',
        server.now.value
      )
    )
    expect(
      (await push(await idp.sign(accountDisabled(claims(), emailSubject('bobby@acme.example')))))
        .status
    ).toBe(202)
    expect(await personByEmail('bobby@acme.example')).toBeUndefined()
    expect(await personByEmail('bob@acme.example')).toMatchObject({ status: 'left' })

    const purged = accountPurgedRisc(claims(), {
      subject_type: 'iss-sub',
      iss: idp.issuer,
      sub: '00u-carol',
    })
    expect((await push(await idp.sign(purged))).status).toBe(202)
    expect(await personByEmail('carol@acme.example')).toMatchObject({
      status: 'left',
      departureDate: '2026-11-23',
    })
  })

  it('records a subject it cannot resolve and answers 202 without creating anyone', async () => {
    const before = await server.db.db.select().from(people).where(eq(people.orgId, org.orgId))
    const set = accountDisabled(claims(), { format: 'opaque', id: 'who-knows' })
    expect((await push(await idp.sign(set))).status).toBe(202)
    const after = await server.db.db.select().from(people).where(eq(people.orgId, org.orgId))
    expect(after).toHaveLength(before.length)
    const entry = (await auditEntries()).find((e) => e.actorId === set.jti)
    expect(entry).toMatchObject({ action: 'person.account_disabled', subjectId: null })
    expect(entry?.data).toMatchObject({ resolved: false })
  })

  it('records a revoked session without making anyone a leaver', async () => {
    await push(await idp.sign(accountEnabled(claims(), emailSubject('nobody@acme.example'))))
    await server.db.db.transaction((tx) =>
      upsertPersonRecord(tx, org.orgId, { email: 'dan@acme.example' }, 'scim', server.now.value)
    )
    const set = sessionRevoked(claims(), emailSubject('dan@acme.example'))
    expect((await push(await idp.sign(set))).status).toBe(202)
    const dan = await personByEmail('dan@acme.example')
    expect(dan).toMatchObject({ status: 'active', departureDate: null })
    expect(await caseOf(dan!.id)).toBeUndefined()
    const entries = (await auditEntries()).filter((e) => e.actorId === set.jti)
    expect(entries.map((e) => e.action)).toEqual(['person.session_revoked'])
    expect(entries[0]?.subjectId).toBe(dan!.id)
  })

  it('reinstates on account-enabled: active again, the case cancelled', async () => {
    await push(await idp.sign(accountDisabled(claims(), emailSubject('erin@acme.example'))))
    const set = accountEnabled(claims(), emailSubject('erin@acme.example'))
    expect((await push(await idp.sign(set))).status).toBe(202)
    const erin = await personByEmail('erin@acme.example')
    expect(erin).toMatchObject({ status: 'active', departureDate: null })
    expect(await caseOf(erin!.id)).toMatchObject({ state: 'cancelled' })
    const actions = (await auditEntries()).filter((e) => e.actorId === set.jti).map((e) => e.action)
    expect(actions).toEqual(['person.account_enabled', 'person.reinstated'])
  })

  it('applies a jti once: a replay answers 202 and changes nothing; a different SET under it is refused', async () => {
    const set = accountDisabled(claims(), emailSubject('fay@acme.example'))
    const token = await idp.sign(set)
    expect((await push(token)).status).toBe(202)
    const entries = (await auditEntries()).length
    const fay = await personByEmail('fay@acme.example')
    expect((await push(token)).status).toBe(202)
    expect((await auditEntries()).length).toBe(entries)
    expect(await personByEmail('fay@acme.example')).toEqual(fay)
    const other = accountDisabled(claims({ jti: set.jti }), emailSubject('gus@acme.example'))
    expect(await expectRefused(await push(await idp.sign(other)), 'invalid_request')).toMatch(
      /already used/
    )
    expect(await personByEmail('gus@acme.example')).toBeUndefined()
  })

  it('refuses a SET for another audience (invalid_audience)', async () => {
    const set = accountDisabled(
      claims({ aud: 'https://someone-else.example' }),
      emailSubject('x1@acme.example')
    )
    await expectRefused(await push(await idp.sign(set)), 'invalid_audience')
    const many = accountDisabled(
      claims({ aud: ['https://someone-else.example', AUDIENCE] }),
      emailSubject('x1@acme.example')
    )
    expect((await push(await idp.sign(many))).status).toBe(202)
  })

  it('refuses a SET from another issuer (invalid_issuer)', async () => {
    const set = accountDisabled(
      claims({ iss: 'https://evil.example' }),
      emailSubject('x2@acme.example')
    )
    await expectRefused(await push(await idp.sign(set)), 'invalid_issuer')
    expect(await personByEmail('x2@acme.example')).toBeUndefined()
  })

  it('refuses a SET signed with another key under the same kid (authentication_failed)', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    const set = accountDisabled(claims(), emailSubject('x3@acme.example'))
    await expectRefused(
      await push(await idp.sign(set, { key: privateKey })),
      'authentication_failed'
    )
    expect(await personByEmail('x3@acme.example')).toBeUndefined()
  })

  it('refuses a kid the JWKS does not have (invalid_key)', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    const set = accountDisabled(claims(), emailSubject('x4@acme.example'))
    await expectRefused(
      await push(await idp.sign(set, { key: privateKey, kid: 'unknown' })),
      'invalid_key'
    )
  })

  it('refuses unsigned SETs (alg none) and shared-secret ones (HS256)', async () => {
    const set = accountDisabled(claims(), emailSubject('x5@acme.example'))
    const unsecured = new UnsecuredJWT(set).encode()
    expect(await expectRefused(await push(unsecured), 'authentication_failed')).toMatch(/none/)
    const handMade = `${b64url({ alg: 'none', typ: 'secevent+jwt', kid: idp.kid })}.${b64url(set)}.`
    await expectRefused(await push(handMade), 'authentication_failed')
    const hs = await new SignJWT(set)
      .setProtectedHeader({ alg: 'HS256', kid: idp.kid })
      .sign(new TextEncoder().encode('a'.repeat(32)))
    await expectRefused(await push(hs), 'authentication_failed')
    expect(await personByEmail('x5@acme.example')).toBeUndefined()
  })

  it('refuses an expired SET and one issued in the far future (invalid_request)', async () => {
    const expired = {
      ...accountDisabled(claims(), emailSubject('x6@acme.example')),
      exp: now() - 600,
    }
    expect(await expectRefused(await push(await idp.sign(expired)), 'invalid_request')).toMatch(
      /expired/
    )
    const future = accountDisabled(claims({ iat: now() + 3600 }), emailSubject('x6@acme.example'))
    expect(await expectRefused(await push(await idp.sign(future)), 'invalid_request')).toMatch(
      /future/
    )
    const skewed = accountDisabled(claims({ iat: now() + 60 }), emailSubject('x6@acme.example'))
    expect((await push(await idp.sign(skewed))).status).toBe(202)
    // Older than the ids of received SETs are kept: it could be a replay, so it is refused.
    const stale = accountDisabled(
      claims({ iat: now() - 31 * 86_400 }),
      emailSubject('x6@acme.example')
    )
    expect(await expectRefused(await push(await idp.sign(stale)), 'invalid_request')).toMatch(
      /too old/
    )
  })

  it.each([
    ['not a JWT at all', 'hello'],
    ['two parts', 'eyJhbGciOiJFUzI1NiJ9.e30'],
    ['a header that is not JSON', `${b64url('{nope')}.${b64url({})}.sig`],
    ['an empty body', ''],
  ])('refuses a malformed body: %s (invalid_request)', async (_, token) => {
    await expectRefused(await push(token), 'invalid_request')
  })

  it('refuses a signed JWT that is not a SET: no events, no jti, typ JWT', async () => {
    const noEvents = { iss: idp.issuer, aud: AUDIENCE, iat: now(), jti: 'j-no-events' }
    expect(await expectRefused(await push(await idp.sign(noEvents)), 'invalid_request')).toMatch(
      /events/
    )
    const { jti: _, ...noJti } = accountDisabled(claims(), emailSubject('x7@acme.example'))
    await expectRefused(await push(await idp.sign(noJti)), 'invalid_request')
    const idToken = accountDisabled(claims(), emailSubject('x7@acme.example'))
    await expectRefused(await push(await idp.sign(idToken, { typ: 'JWT' })), 'invalid_request')
    expect(await personByEmail('x7@acme.example')).toBeUndefined()
  })

  it('needs Content-Type application/secevent+jwt; CSRF protection leaves it alone cross-origin', async () => {
    const set = accountDisabled(claims(), emailSubject('x8@acme.example'))
    const token = await idp.sign(set)
    await expectRefused(
      await push(token, { 'content-type': 'application/json' }),
      'invalid_request'
    )
    // A form-like type (text/plain, form-urlencoded: what curl -d sends) is stopped by the CSRF
    // middleware before us, from another origin or from a server that sends no Origin at all.
    const form = await push(token, { 'content-type': 'text/plain', origin: 'https://evil.example' })
    expect(form.status).toBe(403)
    const curl = await push(token, { 'content-type': 'application/x-www-form-urlencoded' })
    expect(curl.status).toBe(403)
    const res = await push(token, {
      'content-type': 'application/secevent+jwt; charset=utf-8',
      origin: 'https://idp.acme.example',
      'sec-fetch-site': 'cross-site',
    })
    expect(res.status).toBe(202)
    expect(await personByEmail('x8@acme.example')).toMatchObject({ status: 'left' })
  })

  it('refuses unknown and unconfigured receivers alike (access_denied)', async () => {
    const token = await idp.sign(accountDisabled(claims(), emailSubject('x9@acme.example')))
    const bare = await server.createOrg()
    await expectRefused(await push(token, {}, bare.orgId), 'access_denied')
    await expectRefused(
      await push(token, {}, '00000000-0000-4000-8000-000000000000'),
      'access_denied'
    )
    await expectRefused(await push(token, {}, 'not-a-uuid'), 'access_denied')
  })

  it('answers 503 when the JWKS cannot be fetched, so the transmitter retries', async () => {
    const other = await server.createOrg()
    await other.owner.request('PUT', '/api/v1/feeds/ssf', {
      issuer: down.issuer,
      audience: AUDIENCE,
      jwksUrl: down.jwksUrl,
    })
    const token = await down.sign(
      accountDisabled({ iss: down.issuer, aud: AUDIENCE, iat: now() }, emailSubject('y@x.example'))
    )
    const res = await push(token, {}, other.orgId)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('60')
  })

  it('verifies against a JWKS configured inline', async () => {
    const other = await server.createOrg()
    const inline = await createTestTransmitter('https://inline.example', 'RS256')
    await other.owner.request('PUT', '/api/v1/feeds/ssf', {
      issuer: inline.issuer,
      audience: AUDIENCE,
      jwks: inline.jwks,
    })
    const set = accountDisabled(
      { iss: inline.issuer, aud: AUDIENCE, iat: now() },
      emailSubject('zed@x.example')
    )
    expect((await push(await inline.sign(set), {}, other.orgId)).status).toBe(202)
    expect(inline.jwksRequests()).toBe(0)
  })

  it("cannot act on another organisation: a SET is checked against the receiver URL's transmitter", async () => {
    const other = await server.createOrg()
    const theirIdp = await createTestTransmitter('https://their-idp.example')
    await other.owner.request('PUT', '/api/v1/feeds/ssf', {
      issuer: theirIdp.issuer,
      audience: AUDIENCE,
      jwks: theirIdp.jwks,
    })
    // Their transmitter's SET pushed to our URL, and ours to theirs: neither verifies.
    const theirs = accountDisabled(
      { iss: theirIdp.issuer, aud: AUDIENCE, iat: now() },
      emailSubject('iso@acme.example')
    )
    await expectRefused(await push(await theirIdp.sign(theirs)), 'invalid_key')
    const ours = accountDisabled(claims(), emailSubject('iso@acme.example'))
    await expectRefused(await push(await idp.sign(ours), {}, other.orgId), 'invalid_key')
    const everyone = await server.db.db
      .select()
      .from(people)
      .where(eq(people.email, 'iso@acme.example'))
    expect(everyone).toEqual([])
  })

  it('keeps the audit chain intact', async () => {
    const res = await org.owner.request('GET', '/api/v1/audit/verify')
    expect(await res.json()).toMatchObject({ ok: true })
  })
})

// The SCIM 2.0 service provider at /scim/v2, driven with the requests Okta and Entra document
// (test/fixtures/scim): lookups, creation, updates, deactivation into a leaver, reactivation,
// deletion, discovery, errors in RFC 7644 format, and organisations kept apart by their tokens.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestServer,
  PUBLIC_URL,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { auditLog, offboardingCases, people, personAliases } from '../db/schema/index.ts'
import { verifyAuditChain } from '../domain/audit-chain.ts'
import { markLeaving, upsertPersonRecord } from '../domain/leavers.ts'

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/scim')
// Bodies are free-form JSON; the assertions say what matters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Json

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const CONSENTRY = 'urn:ietf:params:scim:schemas:extension:consentry:2.0:User'
const SCIM_JSON = 'application/scim+json; charset=utf-8'
const USERS_URL = `${PUBLIC_URL}/scim/v2/Users`
const TODAY = '2026-11-23'
const q = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`

interface ScimClient {
  org: OrgFixture
  tokenId: string
  token: string
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>
  ): Promise<Response>
}

describe.each(TEST_DB_KINDS)('SCIM 2.0 at /scim/v2 on %s', (kind) => {
  let server: TestServer

  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(() => server.close())

  /** A new organisation with a SCIM token, as an owner creates it under Settings. */
  async function connectIdp(label = 'okta'): Promise<ScimClient> {
    const org = await server.createOrg()
    const res = await org.owner.request('POST', '/api/v1/feeds/scim-tokens', { label })
    expect(res.status).toBe(201)
    const { id, token } = (await res.json()) as { id: string; token: string }
    return {
      org,
      tokenId: id,
      token,
      call: async (method, path, body, headers = {}) =>
        server.app.request(`${PUBLIC_URL}/scim/v2${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
            ...headers,
          },
          body:
            body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        }),
    }
  }

  async function ok(res: Response | Promise<Response>, status = 200): Promise<Json> {
    const r = await res
    const text = await r.text()
    expect(r.status, text).toBe(status)
    expect(r.headers.get('content-type')).toBe(SCIM_JSON)
    return JSON.parse(text) as Json
  }

  async function scimError(res: Response | Promise<Response>, status: number, scimType?: string) {
    const r = await res
    const body = (await r.json()) as Json
    expect(r.status, JSON.stringify(body)).toBe(status)
    expect(r.headers.get('content-type')).toBe(SCIM_JSON)
    expect(body).toMatchObject({ schemas: [ERROR], status: String(status) })
    expect(typeof body.detail).toBe('string')
    if (scimType) expect(body.scimType).toBe(scimType)
    else expect(body).not.toHaveProperty('scimType')
    return body
  }

  const person = async (id: string) =>
    (await server.db.db.select().from(people).where(eq(people.id, id)))[0]
  const caseOf = async (personId: string) =>
    (
      await server.db.db
        .select()
        .from(offboardingCases)
        .where(eq(offboardingCases.personId, personId))
    )[0]
  const auditOf = async (orgId: string, personId: string) =>
    server.db.db
      .select({
        action: auditLog.action,
        actorType: auditLog.actorType,
        actorId: auditLog.actorId,
        data: auditLog.data,
      })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), eq(auditLog.subjectId, personId)))
      .orderBy(asc(auditLog.seq))
  const actions = async (orgId: string, personId: string) =>
    (await auditOf(orgId, personId)).map((a) => a.action)
  const aliases = async (personId: string) =>
    (
      await server.db.db
        .select({ email: personAliases.email, source: personAliases.source })
        .from(personAliases)
        .where(eq(personAliases.personId, personId))
        .orderBy(asc(personAliases.email))
    ).map((a) => `${a.email} (${a.source})`)

  describe('authentication', () => {
    it('answers a request without a valid, unrevoked bearer token with a SCIM 401', async () => {
      const idp = await connectIdp()
      const url = `${PUBLIC_URL}/scim/v2/Users`
      for (const authorization of [
        undefined,
        'Bearer cscim_not-a-real-token',
        `Basic ${Buffer.from(`x:${idp.token}`).toString('base64')}`,
        idp.token,
      ]) {
        const res = await server.app.request(url, {
          headers: authorization ? { authorization } : {},
        })
        await scimError(res, 401)
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
      }
      // The token works, and stops working once an owner revokes it.
      await ok(idp.call('GET', '/Users'))
      await idp.org.owner.request('DELETE', `/api/v1/feeds/scim-tokens/${idp.tokenId}`)
      await scimError(idp.call('GET', '/Users'), 401)
      await scimError(idp.call('POST', '/Users', fixture('okta/create-user.json')), 401)
    })

    it('does not take an admin session cookie instead of a SCIM token', async () => {
      const idp = await connectIdp()
      await scimError(idp.org.owner.request('GET', '/scim/v2/Users'), 401)
    })
  })

  describe('discovery', () => {
    it('describes its features in /ServiceProviderConfig', async () => {
      const idp = await connectIdp()
      expect(await ok(idp.call('GET', '/ServiceProviderConfig'))).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 200 },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: false },
        authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
        meta: { resourceType: 'ServiceProviderConfig' },
      })
    })

    it('lists the User resource type with the enterprise extension in /ResourceTypes', async () => {
      const idp = await connectIdp()
      const list = await ok(idp.call('GET', '/ResourceTypes'))
      expect(list).toMatchObject({
        schemas: [LIST],
        totalResults: 1,
        startIndex: 1,
        itemsPerPage: 1,
      })
      expect(list.Resources[0]).toMatchObject({
        id: 'User',
        endpoint: '/Users',
        schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
        schemaExtensions: [
          { schema: ENTERPRISE, required: false },
          { schema: CONSENTRY, required: false },
        ],
      })
      expect(await ok(idp.call('GET', '/ResourceTypes/User'))).toMatchObject({ id: 'User' })
    })

    it('lists the User, EnterpriseUser and Consentry schemas in /Schemas, without null values', async () => {
      const idp = await connectIdp()
      const list = await ok(idp.call('GET', '/Schemas'))
      expect(list).toMatchObject({ schemas: [LIST], totalResults: 3 })
      expect(list.Resources.map((s: Json) => [s.id, s.name])).toEqual([
        ['urn:ietf:params:scim:schemas:core:2.0:User', 'User'],
        [ENTERPRISE, 'EnterpriseUser'],
        [CONSENTRY, 'ConsentryUser'],
      ])
      expect(JSON.stringify(list)).not.toContain('null')
      const user = list.Resources[0] as Json
      expect(user.attributes.map((a: Json) => a.name)).toEqual([
        'userName',
        'name',
        'displayName',
        'active',
        'emails',
      ])
      expect(user.attributes[0]).toMatchObject({
        type: 'string',
        multiValued: false,
        required: true,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
        uniqueness: 'server',
      })
      const enterprise = await ok(idp.call('GET', `/Schemas/${ENTERPRISE}`))
      expect(enterprise.attributes.map((a: Json) => a.name)).toEqual(['department', 'manager'])
      const consentry = await ok(idp.call('GET', `/Schemas/${CONSENTRY}`))
      expect(consentry.attributes.map((a: Json) => a.name)).toEqual(['githubLogin'])
      await scimError(idp.call('GET', '/Schemas/urn:example:nope'), 404)
    })
  })

  it('provisions, updates, deactivates and reactivates a user the way Okta does', async () => {
    const idp = await connectIdp('okta')
    const orgId = idp.org.orgId
    // Okta looks the user up before creating them (empty ListResponse, integers not strings).
    const lookup =
      '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100'
    expect(await ok(idp.call('GET', lookup))).toEqual({
      schemas: [LIST],
      totalResults: 0,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    })

    const createRes = await idp.call('POST', '/Users', fixture('okta/create-user.json'))
    const created = await ok(createRes, 201)
    const id = created.id as string
    expect(createRes.headers.get('location')).toBe(`${USERS_URL}/${id}`)
    expect(created).toMatchObject({
      id,
      userName: 'test.user@okta.local',
      externalId: '00ujl29u0le5T6Aj10h7',
      name: { givenName: 'Test', familyName: 'User', formatted: 'Test User' },
      emails: [{ value: 'test.user@okta.local', type: 'work', primary: true }],
      active: true,
      meta: {
        resourceType: 'User',
        created: '2026-11-23T09:00:00.000Z',
        lastModified: '2026-11-23T09:00:00.000Z',
        location: `${USERS_URL}/${id}`,
      },
    })
    expect(created).not.toHaveProperty('password')
    expect(await person(id)).toMatchObject({
      orgId,
      email: 'test.user@okta.local',
      name: 'Test User',
      scimUserName: 'test.user@okta.local',
      externalId: '00ujl29u0le5T6Aj10h7',
      status: 'active',
    })
    expect(await auditOf(orgId, id)).toEqual([
      {
        action: 'person.provisioned',
        actorType: 'scim',
        actorId: idp.tokenId,
        data: {
          userName: 'test.user@okta.local',
          email: 'test.user@okta.local',
          externalId: '00ujl29u0le5T6Aj10h7',
          existingPerson: false,
        },
      },
    ])

    const found = await ok(idp.call('GET', lookup))
    expect(found).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 })
    expect(found.Resources[0]).toEqual(created)
    expect(await ok(idp.call('GET', `/Users/${id}`))).toEqual(created)

    // Okta sends every attribute change as a PUT of the whole user.
    const replaced = await ok(idp.call('PUT', `/Users/${id}`, fixture('okta/replace-user.json')))
    expect(replaced).toMatchObject({ id, displayName: 'Another Excited User', active: true })
    expect(replaced.name.formatted).toBe('Another Excited User')
    expect(await actions(orgId, id)).toEqual(['person.provisioned', 'person.updated'])
    // The same PUT again changes nothing and writes nothing.
    await ok(idp.call('PUT', `/Users/${id}`, fixture('okta/replace-user.json')))
    expect(await actions(orgId, id)).toEqual(['person.provisioned', 'person.updated'])

    // Unassigned or deactivated in Okta: the person has left, today.
    const deactivated = await ok(
      idp.call('PATCH', `/Users/${id}`, fixture('okta/deactivate-user.json'))
    )
    expect(deactivated.active).toBe(false)
    expect(await person(id)).toMatchObject({
      status: 'left',
      departureDate: TODAY,
      leavingSource: 'scim',
    })
    expect(await caseOf(id)).toMatchObject({ state: 'open', dueDate: TODAY })
    // Okta retries; a day later it sends the same deactivation: nothing moves.
    const realNow = server.now.value
    server.now.value = new Date('2026-11-24T09:00:00Z')
    try {
      await ok(idp.call('PATCH', `/Users/${id}`, fixture('okta/deactivate-user.json')))
    } finally {
      server.now.value = realNow
    }
    expect((await person(id))?.departureDate).toBe(TODAY)
    expect(await actions(orgId, id)).toEqual([
      'person.provisioned',
      'person.updated',
      'person.left',
    ])
    expect((await ok(idp.call('GET', `/Users/${id}`))).active).toBe(false)

    // Reassigned: active again, the offboarding case cancelled.
    const reactivated = await ok(
      idp.call('PATCH', `/Users/${id}`, fixture('okta/reactivate-user.json'))
    )
    expect(reactivated.active).toBe(true)
    expect(await person(id)).toMatchObject({ status: 'active', departureDate: null })
    expect(await caseOf(id)).toMatchObject({ state: 'cancelled' })
    expect((await actions(orgId, id)).at(-1)).toBe('person.reinstated')
    expect(await verifyAuditChain(server.db.db, orgId)).toMatchObject({ ok: true })
  })

  it('provisions, updates, disables, deletes and provisions again a user the way Entra does', async () => {
    const idp = await connectIdp('entra')
    const orgId = idp.org.orgId
    // Entra's Test Connection: a random GUID on the matching attribute, expecting an empty list.
    expect(await ok(idp.call('GET', q(`externalId eq "${randomUUID()}"`)))).toMatchObject({
      totalResults: 0,
      Resources: [],
    })

    const created = await ok(idp.call('POST', '/Users', fixture('entra/create-user.json')), 201)
    const id = created.id as string
    const workEmail = 'test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com'
    expect(created).toMatchObject({
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      name: { formatted: 'givenName familyName', givenName: 'givenName', familyName: 'familyName' },
      emails: [{ value: workEmail, type: 'work', primary: true }],
      active: true,
    })
    // userName is not an email here, so the person is known by the work email.
    expect(await person(id)).toMatchObject({
      email: workEmail,
      scimUserName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
    })

    for (const filter of [
      'userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"',
      // userName is not case-exact (RFC 7643 §4.1.1).
      'userName eq "TEST_USER_00AA00AA-BB11-CC22-DD33-44EE44EE44EE"',
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
      'emails[type eq "work"].value eq "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"',
      'userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee" and active eq true',
    ]) {
      const list = await ok(idp.call('GET', q(filter)))
      expect(
        list.Resources.map((u: Json) => u.id),
        filter
      ).toEqual([id])
    }
    for (const filter of [
      'userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"',
      'userName eq "non-existent user"',
      'externalId eq "0A21F0F2-8D2A-4F8E-BF98-7363C4AED4EF"',
    ]) {
      expect(await ok(idp.call('GET', q(filter))), filter).toEqual({
        schemas: [LIST],
        totalResults: 0,
        itemsPerPage: 0,
        startIndex: 1,
        Resources: [],
      })
    }

    // Update User [Multi-valued properties]: the work email and the family name change.
    const multi = await ok(
      idp.call('PATCH', `/Users/${id}`, fixture('entra/update-multi-valued.json'))
    )
    expect(multi).toMatchObject({
      name: { givenName: 'givenName', familyName: 'updatedFamilyName' },
      emails: [{ value: 'updatedemail@microsoft.com', type: 'work', primary: true }],
    })
    expect(await person(id)).toMatchObject({
      email: 'updatedemail@microsoft.com',
      name: 'givenName updatedFamilyName',
    })
    // Grants seen on the old address stay this person's.
    expect(await aliases(id)).toEqual([`${workEmail} (scim_previous)`])

    // Update User [Single-valued properties]: the new userName is an email, so it is the email now.
    const single = await ok(
      idp.call('PATCH', `/Users/${id}`, fixture('entra/update-single-valued.json'))
    )
    expect(single).toMatchObject({
      userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
      emails: [
        { value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com', type: 'work', primary: true },
        { value: 'updatedemail@microsoft.com', type: 'other', primary: false },
      ],
    })
    expect(await actions(orgId, id)).toEqual([
      'person.provisioned',
      'person.updated',
      'person.updated',
    ])

    // Disable User, as Entra sends it without the compliance flag ("False") and with it (false).
    const disabled = await ok(
      idp.call('PATCH', `/Users/${id}`, fixture('entra/disable-user-legacy.json'))
    )
    expect(disabled.active).toBe(false)
    expect(await person(id)).toMatchObject({ status: 'left', departureDate: TODAY })
    expect(await caseOf(id)).toMatchObject({ state: 'open' })
    const before = await actions(orgId, id)
    expect(before.at(-1)).toBe('person.left')
    await ok(idp.call('PATCH', `/Users/${id}`, fixture('entra/disable-user.json')))
    expect(await actions(orgId, id)).toEqual(before)

    // Restored in Entra.
    const restore = { schemas: [], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] }
    expect((await ok(idp.call('PATCH', `/Users/${id}`, restore))).active).toBe(true)
    expect(await person(id)).toMatchObject({ status: 'active' })
    expect(await caseOf(id)).toMatchObject({ state: 'cancelled' })

    // Delete User: 204, the person has left and is kept, the User is gone.
    const deleted = await idp.call('DELETE', `/Users/${id}`)
    expect(deleted.status).toBe(204)
    expect(await deleted.text()).toBe('')
    expect(await person(id)).toMatchObject({
      status: 'left',
      departureDate: TODAY,
      leavingSource: 'scim',
      scimUserName: null,
      email: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
    })
    expect(await caseOf(id)).toMatchObject({ state: 'open' })
    expect((await actions(orgId, id)).slice(-2)).toEqual(['person.left', 'person.deprovisioned'])
    await scimError(idp.call('GET', `/Users/${id}`), 404)
    await scimError(idp.call('PATCH', `/Users/${id}`, fixture('entra/disable-user.json')), 404)
    await scimError(idp.call('PUT', `/Users/${id}`, fixture('entra/create-user.json')), 404)
    await scimError(idp.call('DELETE', `/Users/${id}`), 404)
    const gone = await ok(
      idp.call('GET', q('userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"'))
    )
    expect(gone.totalResults).toBe(0)
    expect((await ok(idp.call('GET', '/Users'))).totalResults).toBe(0)

    // Assigned again: the same person comes back (history intact) and is active again.
    const again = await ok(idp.call('POST', '/Users', fixture('entra/create-user.json')), 201)
    expect(again).toMatchObject({
      id,
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      emails: [{ value: workEmail, type: 'work', primary: true }],
      active: true,
    })
    expect(await person(id)).toMatchObject({ status: 'active', email: workEmail })
    // No second row: the deleted User's person was linked again.
    expect(await server.db.db.select().from(people).where(eq(people.orgId, orgId))).toHaveLength(1)
    expect(await verifyAuditChain(server.db.db, orgId)).toMatchObject({ ok: true })
  })

  it("takes Entra's Example 2 body (nulls, misspelt schema) and its unquoted externalId lookup", async () => {
    const idp = await connectIdp('entra')
    const created = await ok(
      idp.call('POST', '/Users', fixture('entra/create-user-jyoung.json')),
      201
    )
    expect(created).toMatchObject({
      userName: 'jyoung@testuser.com',
      externalId: 'jyoung',
      name: { givenName: 'Joy', familyName: 'Young' },
      emails: [
        { value: 'jyoung@testuser.com', primary: true },
        { value: 'jyoung@contoso.com', primary: false },
      ],
    })
    const list = await ok(idp.call('GET', '/Users?filter=externalId eq jyoung'))
    expect(list.Resources.map((u: Json) => u.id)).toEqual([created.id])
    const byAlias = await ok(idp.call('GET', q('emails.value eq "JYoung@Contoso.com"')))
    expect(byAlias.totalResults).toBe(1)
    // Attributes Consentry does not keep (nickName, employeeNumber) are accepted, not refused.
    const id = created.id as string
    await ok(idp.call('PATCH', `/Users/${id}`, fixture('entra/add-single-value-legacy.json')))
    const multi = await ok(
      idp.call('PATCH', `/Users/${id}`, fixture('entra/replace-multiple-compliant.json'))
    )
    expect(multi.name).toMatchObject({ givenName: 'Kkom', familyName: 'Unua' })
    const legacy = await ok(
      idp.call('PATCH', `/Users/${id}`, fixture('entra/replace-multiple-legacy.json'))
    )
    expect(legacy).toMatchObject({ externalId: 'Eqpj', name: { formatted: 'Gtfd Pkqf' } })
    expect(await person(id)).toMatchObject({ name: 'Gtfd Pkqf', externalId: 'Eqpj' })
    // Entra compares its work email with ours (the userName) and re-sends it each cycle: no write.
    const audit = await actions(idp.org.orgId, id)
    const resend = {
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'jyoung@Contoso.com' },
      ],
    }
    await ok(idp.call('PATCH', `/Users/${id}`, resend))
    expect(await actions(idp.org.orgId, id)).toEqual(audit)
  })

  it('creates one User when the same POST arrives several times at once', async () => {
    const idp = await connectIdp('okta')
    const results = await Promise.all(
      [1, 2, 3].map(() => idp.call('POST', '/Users', fixture('okta/create-user.json')))
    )
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409])
    expect((await ok(idp.call('GET', '/Users'))).totalResults).toBe(1)
  })

  it('makes a person a leaver when a PUT says active=false, once', async () => {
    const idp = await connectIdp('okta')
    const created = await ok(idp.call('POST', '/Users', fixture('okta/create-user.json')), 201)
    const id = created.id as string
    const inactive = { ...fixture('okta/replace-user.json'), active: false }
    expect((await ok(idp.call('PUT', `/Users/${id}`, inactive))).active).toBe(false)
    expect(await person(id)).toMatchObject({
      status: 'left',
      departureDate: TODAY,
      leavingSource: 'scim',
    })
    expect(await caseOf(id)).toMatchObject({ state: 'open' })
    const audit = await actions(idp.org.orgId, id)
    await ok(idp.call('PUT', `/Users/${id}`, inactive))
    expect(await actions(idp.org.orgId, id)).toEqual(audit)
  })

  it('does not cancel a departure another feed reported because the IdP still says active', async () => {
    const idp = await connectIdp('okta')
    const created = await ok(idp.call('POST', '/Users', fixture('okta/create-user.json')), 201)
    const id = created.id as string
    await server.db.db.transaction((tx) =>
      markLeaving(
        tx,
        idp.org.orgId,
        {
          personId: id,
          departureDate: '2026-12-31',
          source: 'hr',
          actor: { type: 'hr', id: null },
        },
        server.now.value
      )
    )
    const put = await ok(idp.call('PUT', `/Users/${id}`, fixture('okta/replace-user.json')))
    expect(put.active).toBe(false)
    expect(await person(id)).toMatchObject({ status: 'leaving', leavingSource: 'hr' })
    expect(await caseOf(id)).toMatchObject({ state: 'open', dueDate: '2026-12-31' })
    // The IdP switching the account off makes it a departure today.
    await ok(idp.call('PATCH', `/Users/${id}`, fixture('okta/deactivate-user.json')))
    expect(await person(id)).toMatchObject({ status: 'left', departureDate: TODAY })
  })

  it('refuses a second User with a taken userName or email with 409 uniqueness', async () => {
    const idp = await connectIdp('okta')
    const first = await ok(idp.call('POST', '/Users', fixture('okta/create-user.json')), 201)
    await scimError(idp.call('POST', '/Users', fixture('okta/create-user.json')), 409, 'uniqueness')
    await scimError(
      idp.call('POST', '/Users', {
        ...fixture('okta/create-user.json'),
        userName: 'TEST.USER@OKTA.LOCAL',
      }),
      409,
      'uniqueness'
    )
    await scimError(
      idp.call('POST', '/Users', { ...fixture('okta/create-user.json'), userName: 'tuser' }),
      409,
      'uniqueness'
    )
    const second = await ok(
      idp.call('POST', '/Users', {
        userName: 'other@okta.local',
        emails: [{ value: 'other@okta.local' }],
      }),
      201
    )
    const rename = {
      Operations: [{ op: 'replace', path: 'userName', value: 'Test.User@okta.local' }],
    }
    await scimError(idp.call('PATCH', `/Users/${second.id}`, rename), 409, 'uniqueness')
    const put = { ...fixture('okta/create-user.json'), userName: 'other-name' }
    await scimError(idp.call('PUT', `/Users/${second.id}`, put), 409, 'uniqueness')
    expect(await person(second.id)).toMatchObject({
      email: 'other@okta.local',
      scimUserName: 'other@okta.local',
    })
    expect(await person(first.id)).toMatchObject({ email: 'test.user@okta.local' })
  })

  it('links a person Consentry already knows by email instead of duplicating them', async () => {
    const idp = await connectIdp('okta')
    const orgId = idp.org.orgId
    const { personId } = await server.db.db.transaction((tx) =>
      upsertPersonRecord(
        tx,
        orgId,
        { email: 'ada@acme.example', department: 'R&D' },
        'csv',
        server.now.value
      )
    )
    const created = await ok(
      idp.call('POST', '/Users', {
        userName: 'ada@acme.example',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'Ada@acme.example', primary: true }, { value: 'ada.l@old.example' }],
      }),
      201
    )
    expect(created.id).toBe(personId)
    expect(created[ENTERPRISE]).toEqual({ department: 'R&D' })
    expect(await server.db.db.select().from(people).where(eq(people.orgId, orgId))).toHaveLength(1)
    expect(await aliases(personId)).toEqual(['ada.l@old.example (scim)'])
    expect((await auditOf(orgId, personId)).at(-1)?.data).toMatchObject({ existingPerson: true })
  })

  it('resolves the manager from their SCIM id, an email, or nothing it knows', async () => {
    const idp = await connectIdp('entra')
    const boss = await ok(
      idp.call('POST', '/Users', { userName: 'boss@m.example', emails: [] }),
      201
    )
    const report = await ok(
      idp.call('POST', '/Users', {
        userName: 'report@m.example',
        [ENTERPRISE]: { department: 'Sales', manager: { value: boss.id } },
      }),
      201
    )
    expect(await person(report.id)).toMatchObject({
      managerEmail: 'boss@m.example',
      department: 'Sales',
    })
    expect(report[ENTERPRISE]).toEqual({
      department: 'Sales',
      manager: { value: boss.id, $ref: `${USERS_URL}/${boss.id}`, displayName: 'boss@m.example' },
    })
    const other = await ok(idp.call('POST', '/Users', { userName: 'other@m.example' }), 201)
    const addManager = JSON.parse(
      JSON.stringify(fixture('entra/add-manager.json')).replaceAll(
        '00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
        boss.id
      )
    ) as Json
    const patched = await ok(idp.call('PATCH', `/Users/${other.id}`, addManager))
    expect(patched[ENTERPRISE].manager.value).toBe(boss.id)
    expect(await person(other.id)).toMatchObject({ managerEmail: 'boss@m.example' })
    // An id Consentry does not know (not provisioned yet) stores no manager.
    const replaced = await ok(
      idp.call('PATCH', `/Users/${other.id}`, fixture('entra/replace-manager.json'))
    )
    expect(replaced[ENTERPRISE]).toEqual({ department: 'Finance' })
    // A manager given by email is kept even if they are not a SCIM User.
    const byEmail = {
      Operations: [
        { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'CEO@m.example' } },
      ],
    }
    expect(
      (await ok(idp.call('PATCH', `/Users/${other.id}`, byEmail)))[ENTERPRISE].manager
    ).toEqual({
      value: 'ceo@m.example',
      displayName: 'ceo@m.example',
    })
    await ok(idp.call('PATCH', `/Users/${other.id}`, fixture('entra/remove-attributes.json')))
    expect(await person(other.id)).toMatchObject({
      managerEmail: null,
      department: null,
      externalId: null,
    })
  })

  it('pages through users with startIndex and count, in a stable order', async () => {
    const idp = await connectIdp('okta')
    const ids: string[] = []
    for (let i = 0; i < 5; i++)
      ids.push((await ok(idp.call('POST', '/Users', { userName: `u${i}@p.example` }), 201)).id)
    const all = await ok(idp.call('GET', '/Users?startIndex=1&count=100'))
    expect(all).toMatchObject({ totalResults: 5, itemsPerPage: 5, startIndex: 1 })
    expect([...all.Resources.map((u: Json) => u.id)].sort()).toEqual([...ids].sort())
    const pages: string[] = []
    for (const start of [1, 3, 5]) {
      const page = await ok(idp.call('GET', `/Users?startIndex=${start}&count=2`))
      expect(page).toMatchObject({
        totalResults: 5,
        startIndex: start,
        itemsPerPage: start === 5 ? 1 : 2,
      })
      pages.push(...page.Resources.map((u: Json) => u.id))
    }
    expect(pages).toEqual(all.Resources.map((u: Json) => u.id))
    expect(await ok(idp.call('GET', '/Users?count=0'))).toMatchObject({
      totalResults: 5,
      itemsPerPage: 0,
      Resources: [],
    })
    expect(await ok(idp.call('GET', '/Users?startIndex=0&count=nope'))).toMatchObject({
      startIndex: 1,
      itemsPerPage: 5,
    })
    expect(await ok(idp.call('GET', '/Users?startIndex=9'))).toMatchObject({
      totalResults: 5,
      itemsPerPage: 0,
    })
  })

  it("keeps organisations apart: a token neither sees nor changes another organisation's users", async () => {
    const a = await connectIdp('okta')
    const b = await connectIdp('okta')
    const userA = await ok(a.call('POST', '/Users', fixture('okta/create-user.json')), 201)
    // The same userName is free in another organisation.
    const userB = await ok(b.call('POST', '/Users', fixture('okta/create-user.json')), 201)
    expect(userB.id).not.toBe(userA.id)
    const before = await person(userB.id)

    await scimError(a.call('GET', `/Users/${userB.id}`), 404)
    await scimError(
      a.call('PUT', `/Users/${userB.id}`, { ...fixture('okta/replace-user.json'), active: false }),
      404
    )
    await scimError(
      a.call('PATCH', `/Users/${userB.id}`, fixture('okta/deactivate-user.json')),
      404
    )
    await scimError(a.call('DELETE', `/Users/${userB.id}`), 404)
    expect((await ok(a.call('GET', '/Users'))).Resources.map((u: Json) => u.id)).toEqual([userA.id])
    expect((await ok(a.call('GET', q(`id eq "${userB.id}"`)))).totalResults).toBe(0)
    // A manager id from the other organisation resolves to nothing.
    const crossManager = {
      Operations: [{ op: 'add', path: 'manager', value: [{ value: userB.id }] }],
    }
    expect((await ok(a.call('PATCH', `/Users/${userA.id}`, crossManager)))[ENTERPRISE]).toEqual({})

    expect(await person(userB.id)).toEqual(before)
    expect(await caseOf(userB.id)).toBeUndefined()
    expect(await actions(b.org.orgId, userB.id)).toEqual(['person.provisioned'])
    expect((await ok(b.call('GET', '/Users'))).Resources.map((u: Json) => u.id)).toEqual([userB.id])
  })

  describe('errors in RFC 7644 §3.12 format', () => {
    let idp: ScimClient
    let id: string
    beforeAll(async () => {
      idp = await connectIdp('okta')
      id = (await ok(idp.call('POST', '/Users', fixture('okta/create-user.json')), 201)).id
    })

    const unknown = randomUUID()
    it.each([
      ['malformed JSON', 'POST', () => '/Users', '{"userName":', 400, 'invalidSyntax'],
      ['a JSON array', 'POST', () => '/Users', '[]', 400, 'invalidSyntax'],
      ['a User without userName', 'POST', () => '/Users', { emails: [] }, 400, 'invalidValue'],
      [
        'a User without any email',
        'POST',
        () => '/Users',
        { userName: 'no-email' },
        400,
        'invalidValue',
      ],
      [
        'a User with a non-boolean active',
        'PUT',
        () => `/Users/${id}`,
        { userName: 'a@b.example', active: 'yes' },
        400,
        'invalidValue',
      ],
      [
        'a filter that does not parse',
        'GET',
        () => q('userName eq'),
        undefined,
        400,
        'invalidFilter',
      ],
      [
        'a filter on an attribute not supported',
        'GET',
        () => q('title eq "x"'),
        undefined,
        400,
        'invalidFilter',
      ],
      [
        'a filter with an operator not supported',
        'GET',
        () => q('userName co "x"'),
        undefined,
        400,
        'invalidFilter',
      ],
      [
        'a PATCH of an unknown attribute',
        'PATCH',
        () => `/Users/${id}`,
        { Operations: [{ op: 'replace', path: 'favouriteColour', value: 'x' }] },
        400,
        'invalidPath',
      ],
      [
        'a PATCH of a read-only attribute',
        'PATCH',
        () => `/Users/${id}`,
        { Operations: [{ op: 'replace', path: 'id', value: 'x' }] },
        400,
        'mutability',
      ],
      [
        'a remove without a path',
        'PATCH',
        () => `/Users/${id}`,
        { Operations: [{ op: 'remove' }] },
        400,
        'noTarget',
      ],
      [
        'a PATCH with an unknown op',
        'PATCH',
        () => `/Users/${id}`,
        { Operations: [{ op: 'move', path: 'userName' }] },
        400,
        'invalidSyntax',
      ],
      [
        'a PATCH without Operations',
        'PATCH',
        () => `/Users/${id}`,
        { schemas: [] },
        400,
        'invalidSyntax',
      ],
      [
        'a PATCH setting active to nonsense',
        'PATCH',
        () => `/Users/${id}`,
        { Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] },
        400,
        'invalidValue',
      ],
      ['an unknown id', 'GET', () => `/Users/${unknown}`, undefined, 404, undefined],
      [
        'an id that is not a uuid',
        'GET',
        () => '/Users/48af03ac28ad4fb88478',
        undefined,
        404,
        undefined,
      ],
      [
        'a PUT to an unknown id',
        'PUT',
        () => `/Users/${unknown}`,
        fixture('okta/replace-user.json'),
        404,
        undefined,
      ],
      [
        'a PATCH to an unknown id',
        'PATCH',
        () => `/Users/${unknown}`,
        fixture('okta/deactivate-user.json'),
        404,
        undefined,
      ],
      ['a DELETE of an unknown id', 'DELETE', () => `/Users/${unknown}`, undefined, 404, undefined],
      ['an endpoint that does not exist', 'GET', () => '/Groups', undefined, 404, undefined],
    ])('answers %s', async (_what, method, path, body, status, scimType) => {
      const audit = await actions(idp.org.orgId, id)
      await scimError(idp.call(method, path(), body), status, scimType)
      // A refused request changes nothing.
      expect(await actions(idp.org.orgId, id)).toEqual(audit)
      expect(await person(id)).toMatchObject({ status: 'active', name: 'Test User' })
    })

    it('answers a body that is neither SCIM JSON nor JSON with 415', async () => {
      await scimError(
        idp.call('POST', '/Users', 'userName=x', {
          'content-type': 'application/x-www-form-urlencoded',
        }),
        415
      )
    })

    it('answers an oversized body with 413 before reading it as JSON', async () => {
      const big = { userName: 'big@x.example', displayName: 'x'.repeat(300 * 1024) }
      await scimError(idp.call('POST', '/Users', big), 413)
    })

    it('accepts application/json, and a body sent without a content type', async () => {
      await ok(
        idp.call('PATCH', `/Users/${id}`, fixture('okta/reactivate-user.json'), {
          'content-type': 'application/json',
        })
      )
      const res = await server.app.request(`${USERS_URL}/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${idp.token}` },
        body: new TextEncoder().encode(JSON.stringify(fixture('okta/reactivate-user.json'))),
      })
      await ok(res)
    })
  })
})

// A person's GitHub login through SCIM, in Consentry's User extension, with the bodies Entra and
// Okta send: on create, on PUT, and in both PATCH forms (a URN path, or a path-less value keyed
// by the extension's URN); returned in the User while set.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, PUBLIC_URL, type TestServer } from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { auditLog, people } from '../db/schema/index.ts'

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/scim')
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Json

const CONSENTRY = 'urn:ietf:params:scim:schemas:extension:consentry:2.0:User'
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const patch = (...Operations: Json[]) => ({ schemas: [PATCH_OP], Operations })

describe.each(TEST_DB_KINDS)('GitHub logins over SCIM on %s', (kind) => {
  let server: TestServer
  let orgId: string
  let call: (method: string, path: string, body?: unknown) => Promise<Response>

  beforeAll(async () => {
    server = await createTestServer(kind)
    const org = await server.createOrg()
    orgId = org.orgId
    const res = await org.owner.request('POST', '/api/v1/feeds/scim-tokens', { label: 'entra' })
    const { token } = (await res.json()) as { token: string }
    call = async (method, path, body) =>
      server.app.request(`${PUBLIC_URL}/scim/v2${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
  })
  afterAll(() => server.close())

  async function json(res: Promise<Response>, status = 200): Promise<Json> {
    const r = await res
    const text = await r.text()
    expect(r.status, text).toBe(status)
    return JSON.parse(text) as Json
  }
  const loginOf = async (id: string) =>
    (await server.db.db.select().from(people).where(eq(people.id, id)))[0]?.githubLogin

  /** Entra's create body, with the extension as Entra sends a mapped extension attribute. */
  async function createWithLogin(email: string, login: string | null) {
    const body = fixture('entra/create-user.json')
    body.userName = email
    body.emails = [{ primary: true, type: 'work', value: email }]
    body.externalId = crypto.randomUUID()
    if (login !== null) {
      body.schemas = [...body.schemas, CONSENTRY]
      body[CONSENTRY] = { githubLogin: login }
    }
    return json(call('POST', '/Users', body), 201)
  }

  it('takes the login on create and returns it in the User', async () => {
    const user = await createWithLogin('mona@acme.example', 'mona-lisa')
    expect(user.schemas).toContain(CONSENTRY)
    expect(user[CONSENTRY]).toEqual({ githubLogin: 'mona-lisa' })
    expect(await loginOf(user.id)).toBe('mona-lisa')
    expect((await json(call('GET', `/Users/${user.id}`)))[CONSENTRY]).toEqual({
      githubLogin: 'mona-lisa',
    })
  })

  it('returns no extension for a User without a login', async () => {
    const user = await createWithLogin('nolan@acme.example', null)
    expect(user.schemas).not.toContain(CONSENTRY)
    expect(user).not.toHaveProperty(CONSENTRY)
    expect(await loginOf(user.id)).toBeNull()
  })

  it("applies Entra's PATCH with the attribute's URN as the path, and audits it", async () => {
    const { id } = await createWithLogin('entra@acme.example', null)
    const added = await json(
      call(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'Add', path: `${CONSENTRY}:githubLogin`, value: 'entra-user' })
      )
    )
    expect(added[CONSENTRY]).toEqual({ githubLogin: 'entra-user' })
    await json(
      call(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'Replace', path: `${CONSENTRY}:githubLogin`, value: 'entra-user2' })
      )
    )
    expect(await loginOf(id)).toBe('entra-user2')
    const audit = await server.db.db
      .select({ data: auditLog.data })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.orgId, orgId),
          eq(auditLog.subjectId, id),
          eq(auditLog.action, 'person.updated')
        )
      )
    expect(audit.map((a) => a.data.changed)).toEqual([['githubLogin'], ['githubLogin']])
    await json(
      call('PATCH', `/Users/${id}`, patch({ op: 'Remove', path: `${CONSENTRY}:githubLogin` }))
    )
    expect(await loginOf(id)).toBeNull()
  })

  it('applies a path-less PATCH, the value keyed by the extension or by the attribute URN', async () => {
    const { id } = await createWithLogin('okta@acme.example', null)
    await json(
      call(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'replace', value: { [CONSENTRY]: { githubLogin: 'okta-user' } } })
      )
    )
    expect(await loginOf(id)).toBe('okta-user')
    await json(
      call(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'Add', value: { [`${CONSENTRY}:githubLogin`]: 'okta-user2', active: 'True' } })
      )
    )
    expect(await loginOf(id)).toBe('okta-user2')
  })

  it('keeps the login on an Okta PUT without the extension, and sets or clears it with one', async () => {
    const { id } = await createWithLogin('test.user@okta.local', 'kept')
    const body = fixture('okta/replace-user.json')
    body.id = id
    await json(call('PUT', `/Users/${id}`, body))
    expect(await loginOf(id)).toBe('kept')
    await json(call('PUT', `/Users/${id}`, { ...body, [CONSENTRY]: { githubLogin: 'replaced' } }))
    expect(await loginOf(id)).toBe('replaced')
    // An IdP attribute mapped but empty for this user clears it.
    const cleared = await json(
      call('PUT', `/Users/${id}`, { ...body, [CONSENTRY]: { githubLogin: '' } })
    )
    expect(cleared).not.toHaveProperty(CONSENTRY)
    expect(await loginOf(id)).toBeNull()
  })

  it.each([
    ['on create', 'POST', '/Users'],
    ['in a PATCH', 'PATCH', null],
  ])('refuses a value that is not a GitHub login %s', async (_name, method, path) => {
    const { id } = await createWithLogin(`bad-${method}@acme.example`, null)
    const res =
      method === 'POST'
        ? await call('POST', '/Users', {
            userName: 'bad2@acme.example',
            [CONSENTRY]: { githubLogin: 'mona@acme.example' },
          })
        : await call(
            'PATCH',
            path ?? `/Users/${id}`,
            patch({ op: 'Replace', path: `${CONSENTRY}:githubLogin`, value: '-mona' })
          )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ scimType: 'invalidValue' })
    expect(await loginOf(id)).toBeNull()
  })
})

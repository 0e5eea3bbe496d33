// PATCH /api/v1/people/:id: an admin sets or clears a person's GitHub login, audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { GITHUB_LOGIN } from '../../shared/api/people.ts'

describe('the GitHub login rule', () => {
  it.each(['mona', 'octo-cat', 'a', 'A1-b2-C3', 'x'.repeat(39)])('accepts %s', (login) => {
    expect(GITHUB_LOGIN.test(login)).toBe(true)
  })
  it.each(['', '-mona', 'mona-', 'mo--na', 'mona@example.com', 'mo_na', 'x'.repeat(40), 'mo na'])(
    'refuses %j',
    (login) => {
      expect(GITHUB_LOGIN.test(login)).toBe(false)
    }
  )
})

describe.each(TEST_DB_KINDS)('PATCH /api/v1/people/:id on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  let personId: string
  beforeAll(async () => {
    server = await createTestServer(kind)
    org = await server.createOrg()
    const marked = await org.owner.request('POST', '/api/v1/leavers', {
      email: 'mona@acme.example',
      departureDate: '2026-12-01',
    })
    personId = ((await marked.json()) as { personId: string }).personId
  })
  afterAll(() => server.close())

  const person = async () =>
    (await (await org.owner.request('GET', `/api/v1/people/${personId}`)).json()) as {
      githubLogin: string | null
    }

  it('sets the login, shows it on the person, and audits the change', async () => {
    expect((await person()).githubLogin).toBeNull()
    const res = await org.owner.request('PATCH', `/api/v1/people/${personId}`, {
      githubLogin: ' mona-lisa ',
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      id: personId,
      email: 'mona@acme.example',
      githubLogin: 'mona-lisa',
    })
    expect((await person()).githubLogin).toBe('mona-lisa')
    const audit = (await (
      await org.owner.request('GET', '/api/v1/audit?action=person.updated')
    ).json()) as { items: Array<{ subjectId: string; data: unknown }> }
    expect(audit.items).toMatchObject([
      { subjectId: personId, data: { githubLogin: { from: null, to: 'mona-lisa' } } },
    ])
  })

  it('clears the login with null', async () => {
    const res = await org.owner.request('PATCH', `/api/v1/people/${personId}`, {
      githubLogin: null,
    })
    expect(res.status).toBe(200)
    expect((await person()).githubLogin).toBeNull()
  })

  it.each([
    ['a login with a double hyphen', { githubLogin: 'mo--na' }],
    ['an email', { githubLogin: 'mona@acme.example' }],
    ['a missing login', {}],
    ['another field', { githubLogin: 'mona', email: 'x@acme.example' }],
  ])('refuses %s with 400', async (_name, body) => {
    const res = await org.owner.request('PATCH', `/api/v1/people/${personId}`, body)
    expect(res.status).toBe(400)
  })

  it('answers 404 for a person that does not exist', async () => {
    const res = await org.owner.request(
      'PATCH',
      '/api/v1/people/00000000-0000-4000-8000-000000000000',
      { githubLogin: 'mona' }
    )
    expect(res.status).toBe(404)
  })

  it.each([
    ['admin', 200],
    ['offboarding', 200],
    ['auditor', 403],
  ] as const)('lets an %s answer %i', async (role, status) => {
    const admin = await org.addAdmin(role)
    const res = await admin.request('PATCH', `/api/v1/people/${personId}`, {
      githubLogin: `by-${role}`,
    })
    expect(res.status).toBe(status)
  })
})

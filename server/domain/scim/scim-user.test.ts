// The SCIM User mapping: Okta's and Entra's create bodies parse (extras dropped, nulls taken),
// become the right person fields, and a person reads back as a SCIM User.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENTERPRISE_USER_SCHEMA } from './scim-filter.ts'
import {
  modelFromBody,
  personName,
  ScimUserBody,
  splitName,
  toPersonFields,
  toScimUser,
  type Person,
  type ScimUserModel,
} from './scim-user.ts'

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/scim')
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown

function model(body: unknown): ScimUserModel {
  return modelFromBody(ScimUserBody.parse(body))
}

function fields(body: unknown) {
  const result = toPersonFields(model(body))
  if (!result.ok) throw new Error(result.detail)
  return result.value
}

describe('ScimUserBody', () => {
  it("takes Okta's create request and drops password, groups and locale", () => {
    const body = ScimUserBody.parse(fixture('okta/create-user.json'))
    expect(body).toMatchObject({ userName: 'test.user@okta.local', active: true })
    expect(body).not.toHaveProperty('password')
    expect(body).not.toHaveProperty('groups')
  })

  it("takes Entra's Example 2 with its null attributes and misspelt schema", () => {
    expect(model(fixture('entra/create-user-jyoung.json'))).toMatchObject({
      userName: 'jyoung@testuser.com',
      externalId: 'jyoung',
      department: null,
      manager: null,
    })
  })

  it('reads attribute names in any case, as RFC 7643 §2.1 allows', () => {
    expect(
      model({
        USERNAME: 'a@b.example',
        Name: { GivenName: 'Ada', familyname: 'Lovelace' },
        Active: 'False',
        [ENTERPRISE_USER_SCHEMA.toUpperCase()]: { Department: 'R&D' },
      })
    ).toMatchObject({
      userName: 'a@b.example',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      active: false,
    })
  })

  it('takes the enterprise manager as an object, a bare id or a list of one', () => {
    for (const manager of [{ value: 'm-1' }, 'm-1', [{ value: 'm-1', $ref: 'x' }]])
      expect(
        model({ userName: 'a@b.example', [ENTERPRISE_USER_SCHEMA]: { manager } }).manager
      ).toEqual({
        value: 'm-1',
        displayName: null,
      })
  })

  it.each([
    ['no userName', { emails: [] }],
    ['an empty userName', { userName: '  ' }],
    ['a userName that is not a string', { userName: 42 }],
    ['active that is not a boolean', { userName: 'a@b.example', active: 'maybe' }],
    ['emails that are not a list', { userName: 'a@b.example', emails: 'a@b.example' }],
  ])('refuses a body with %s', (_what, body) => {
    expect(ScimUserBody.safeParse(body).success).toBe(false)
  })
})

describe('toPersonFields', () => {
  it('uses the userName as the email when it is one (Okta)', () => {
    expect(fields(fixture('okta/create-user.json'))).toEqual({
      email: 'test.user@okta.local',
      scimUserName: 'test.user@okta.local',
      name: 'Test User',
      externalId: '00ujl29u0le5T6Aj10h7',
      department: null,
      aliases: [],
    })
  })

  it('uses the primary email when the userName is not an email (Entra)', () => {
    expect(fields(fixture('entra/create-user.json'))).toMatchObject({
      email: 'test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com',
      scimUserName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      name: 'givenName familyName',
      aliases: [],
    })
  })

  it('keeps a work email that differs from the userName as an alias', () => {
    expect(fields(fixture('entra/create-user-jyoung.json'))).toMatchObject({
      email: 'jyoung@testuser.com',
      name: 'Joy Young',
      aliases: ['jyoung@contoso.com'],
    })
  })

  it('falls back to the work email, then the first email', () => {
    const emails = [
      { value: 'home@x.example', type: 'home' },
      { value: 'Work@X.example', type: 'work' },
    ]
    expect(fields({ userName: 'jdoe', emails })).toMatchObject({
      email: 'work@x.example',
      aliases: ['home@x.example'],
    })
    expect(fields({ userName: 'jdoe', emails: emails.slice(0, 1) }).email).toBe('home@x.example')
  })

  it('refuses a User with no email anywhere', () => {
    expect(toPersonFields(model({ userName: 'jdoe' }))).toMatchObject({
      ok: false,
      scimType: 'invalidValue',
    })
    expect(toPersonFields(model({ userName: 'jdoe', emails: [{ value: 'nope' }] }))).toMatchObject({
      ok: false,
    })
  })
})

describe('names', () => {
  it('prefers the name parts, then formatted, then displayName', () => {
    expect(personName(model(fixture('okta/replace-user.json')))).toBe('Another Excited User')
    expect(personName(model({ userName: 'x', name: { formatted: 'Dr Ada L' } }))).toBe('Dr Ada L')
    expect(personName(model({ userName: 'x', displayName: 'Ada' }))).toBe('Ada')
    expect(personName(model({ userName: 'x' }))).toBeNull()
  })

  it.each([
    ['Joy Young', 'Joy', 'Young'],
    ['Mary Ann Smith', 'Mary Ann', 'Smith'],
    ['Cher', 'Cher', null],
    [null, null, null],
  ])('splits %j into %j and %j', (name, givenName, familyName) => {
    expect(splitName(name)).toEqual({ givenName, familyName })
  })
})

describe('toScimUser', () => {
  const person: Person = {
    id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
    orgId: 'org',
    email: 'test.user@okta.local',
    name: 'Test User',
    status: 'left',
    departureDate: '2026-11-23',
    leavingSource: 'scim',
    department: 'Sales',
    managerEmail: 'boss@okta.local',
    successorEmail: null,
    externalId: '00ujl29u0le5T6Aj10h7',
    scimUserName: 'test.user@okta.local',
    githubLogin: null,
    createdAt: new Date('2026-11-01T10:00:00Z'),
    updatedAt: new Date('2026-11-23T09:00:00Z'),
  }

  it('returns the person as a User with the enterprise extension and meta', () => {
    const url = 'https://c.example/scim/v2/Users'
    const user = toScimUser(
      person,
      ['other@okta.local'],
      { id: 'm-id', email: 'boss@okta.local' },
      url
    )
    expect(user).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER_SCHEMA],
      id: person.id,
      externalId: '00ujl29u0le5T6Aj10h7',
      userName: 'test.user@okta.local',
      name: { formatted: 'Test User', givenName: 'Test', familyName: 'User' },
      displayName: 'Test User',
      emails: [
        { value: 'test.user@okta.local', type: 'work', primary: true },
        { value: 'other@okta.local', type: 'other', primary: false },
      ],
      active: false,
      [ENTERPRISE_USER_SCHEMA]: {
        department: 'Sales',
        manager: { value: 'm-id', $ref: `${url}/m-id`, displayName: 'boss@okta.local' },
      },
      meta: {
        resourceType: 'User',
        created: '2026-11-01T10:00:00.000Z',
        lastModified: '2026-11-23T09:00:00.000Z',
        location: `${url}/${person.id}`,
        version: `W/"${person.updatedAt.getTime()}"`,
      },
    })
  })

  it('sends no null values (Entra asks for absent attributes to be left out)', () => {
    const bare = { ...person, name: null, externalId: null, department: null, managerEmail: null }
    const user = toScimUser(bare, [], null, 'u')
    expect(JSON.stringify(user)).not.toContain('null')
    expect(user).not.toHaveProperty('name')
  })
})
